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
