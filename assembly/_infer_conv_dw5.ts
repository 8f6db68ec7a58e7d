// Depthwise 5x5 rows (the recogniser's most common depthwise kernel): the 5
// taps of a kernel row unrolled so every load has an immediate offset. In
// workerd this runs about 2x the generic tap loop of _infer_conv_dw.ts.

import { put } from "./_infer_conv_dw";

/** 5x5 row at column stride 1, ow >= 16: the 5 taps of a kernel row
 * unrolled, every x load at an immediate offset from the row. */
export function row5x5s1(xr: usize, rs: usize, wc: usize, yr: usize, ow: i32, bv: v128, form: i32): void {
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		let p = xr + q;
		let w = wc;
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		for (let ky = 0; ky < 5; ky++) {
			const w0 = v128.load(w, 0);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 0), w0));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), w0));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), w0));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), w0));
			const w1 = v128.load(w, 16);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 4), w1));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 20), w1));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 36), w1));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 52), w1));
			const w2 = v128.load(w, 32);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 8), w2));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 24), w2));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 40), w2));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 56), w2));
			const w3 = v128.load(w, 48);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 12), w3));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 28), w3));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 44), w3));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 60), w3));
			const w4 = v128.load(w, 64);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 16), w4));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 32), w4));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 48), w4));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 64), w4));
			p += rs;
			w += 80;
		}
		const yq = yr + q;
		put(yq, a0, bv, form);
		put(yq + 16, a1, bv, form);
		put(yq + 32, a2, bv, form);
		put(yq + 48, a3, bv, form);
	}
}

/** 5x5 row at column stride 2, ow >= 16: the 5 taps of a kernel row
 * unrolled, every x load at an immediate offset from one of the two phases. */
export function row5x5s2(xr: usize, rs: usize, ps: usize, wc: usize, yr: usize, ow: i32, bv: v128, form: i32): void {
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		let p = xr + q;
		let w = wc;
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		for (let ky = 0; ky < 5; ky++) {
			const o = p + ps;
			const w0 = v128.load(w, 0);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 0), w0));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), w0));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), w0));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), w0));
			const w1 = v128.load(w, 16);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(o, 0), w1));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(o, 16), w1));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(o, 32), w1));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(o, 48), w1));
			const w2 = v128.load(w, 32);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 4), w2));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 20), w2));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 36), w2));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 52), w2));
			const w3 = v128.load(w, 48);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(o, 4), w3));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(o, 20), w3));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(o, 36), w3));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(o, 52), w3));
			const w4 = v128.load(w, 64);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 8), w4));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 24), w4));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 40), w4));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 56), w4));
			p += rs;
			w += 80;
		}
		const yq = yr + q;
		put(yq, a0, bv, form);
		put(yq + 16, a1, bv, form);
		put(yq + 32, a2, bv, form);
		put(yq + 48, a3, bv, form);
	}
}

/**
 * Two output rows (at y and y + ys) of a 5x5 stride-1 depthwise conv, ow >= 16.
 * They read six band rows, four of them in common: each x vector is loaded
 * once and multiplied into both rows
 * multiply-add than two single rows, which matters where every load is
 * bounds-checked).
 */
export function rows5x5s1Pair(
	xr: usize,
	rs: usize,
	wc: usize,
	y: usize,
	ys: usize,
	ow: i32,
	bv: v128,
	form: i32,
): void {
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		let b0 = a0;
		let b1 = a0;
		let b2 = a0;
		let b3 = a0;
		// Band row 0 feeds only the first row (its kernel row 0).
		let p = xr + q;
		let w = wc;
		for (let kx = 0; kx < 5; kx++) {
			const wa = v128.load(w);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p, 0), wa));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), wa));
			a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), wa));
			a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), wa));
			p += 4;
			w += 16;
		}
		// Band rows 1-4: kernel row r for the first output row, r - 1 for the second.
		for (let r = 1; r < 5; r++) {
			p = xr + q + <usize>r * rs;
			w = wc + <usize>(r * 80);
			for (let kx = 0; kx < 5; kx++) {
				const wa = v128.load(w);
				const wb = v128.load(w - 80);
				const x0 = v128.load(p, 0);
				a0 = f32x4.add(a0, f32x4.mul(x0, wa));
				b0 = f32x4.add(b0, f32x4.mul(x0, wb));
				const x1 = v128.load(p, 16);
				a1 = f32x4.add(a1, f32x4.mul(x1, wa));
				b1 = f32x4.add(b1, f32x4.mul(x1, wb));
				const x2 = v128.load(p, 32);
				a2 = f32x4.add(a2, f32x4.mul(x2, wa));
				b2 = f32x4.add(b2, f32x4.mul(x2, wb));
				const x3 = v128.load(p, 48);
				a3 = f32x4.add(a3, f32x4.mul(x3, wa));
				b3 = f32x4.add(b3, f32x4.mul(x3, wb));
				p += 4;
				w += 16;
			}
		}
		// Band row 5 feeds only the second row (its kernel row 4).
		p = xr + q + 5 * rs;
		w = wc + 320;
		for (let kx = 0; kx < 5; kx++) {
			const wb = v128.load(w);
			b0 = f32x4.add(b0, f32x4.mul(v128.load(p, 0), wb));
			b1 = f32x4.add(b1, f32x4.mul(v128.load(p, 16), wb));
			b2 = f32x4.add(b2, f32x4.mul(v128.load(p, 32), wb));
			b3 = f32x4.add(b3, f32x4.mul(v128.load(p, 48), wb));
			p += 4;
			w += 16;
		}
		const ya = y + q;
		put(ya, a0, bv, form);
		put(ya + 16, a1, bv, form);
		put(ya + 32, a2, bv, form);
		put(ya + 48, a3, bv, form);
		const yb = ya + ys;
		put(yb, b0, bv, form);
		put(yb + 16, b1, bv, form);
		put(yb + 32, b2, bv, form);
		put(yb + 48, b3, bv, form);
	}
}
