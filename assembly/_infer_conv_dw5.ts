// Depthwise 5x5 rows (the recogniser's most common depthwise kernel): the 5
// taps of a kernel row unrolled so every load has an immediate offset. In
// workerd this runs about 2x the generic tap loop of _infer_conv_dw.ts. At
// column stride 1 a band row's 20 columns are 5 loads and the taps between
// them shuffles, and kernel rows on the band's zero padding are skipped:
// 1.19-1.46x on the recogniser's shapes (bench/engine/kernels.workerd.test.ts),
// the sums unchanged bit for bit.

import { put } from "./_infer_conv_dw";

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Shift {
	/** Columns 1-4 of the 8 in a, b (one shuffle, where a load at +4 bytes would be bounds-checked). */
	@inline
	static by1(a: v128, b: v128): v128 {
		return v128.shuffle<f32>(a, b, 1, 2, 3, 4);
	}

	@inline
	static by2(a: v128, b: v128): v128 {
		return v128.shuffle<f32>(a, b, 2, 3, 4, 5);
	}

	@inline
	static by3(a: v128, b: v128): v128 {
		return v128.shuffle<f32>(a, b, 3, 4, 5, 6);
	}
}

/**
 * 5x5 row at column stride 1, ow >= 16, kernel rows ky0..ky1-1 only (the
 * others fall on the band's zero padding: skipping them leaves every sum as
 * it was). Per band row the 20 columns a 16-column tile reads are 5 loads;
 * the taps at 1-3 columns' offset are shuffled out of neighbouring vectors
 * instead of loaded again, since in workerd every load is bounds-checked.
 */
export function row5x5s1(
	xr: usize,
	rs: usize,
	wc: usize,
	yr: usize,
	ow: i32,
	bv: v128,
	form: i32,
	ky0: i32,
	ky1: i32,
): void {
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		Tile5.single(xr + q, rs, wc, ky0, ky1, yr + q, bv, form);
	}
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Tile5 {
	/** One 16-column tile of a 5x5 stride-1 row: src is its first column in band row 0 (rows rs apart), y its first output. */
	@inline
	static single(src: usize, rs: usize, wc: usize, ky0: i32, ky1: i32, y: usize, bv: v128, form: i32): void {
		let p = src + <usize>ky0 * rs;
		let w = wc + <usize>(ky0 * 80);
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		for (let ky = ky0; ky < ky1; ky++) {
			const v0 = v128.load(p, 0);
			const v1 = v128.load(p, 16);
			const v2 = v128.load(p, 32);
			const v3 = v128.load(p, 48);
			const v4 = v128.load(p, 64);
			let t = v128.load(w, 0);
			a0 = f32x4.add(a0, f32x4.mul(v0, t));
			a1 = f32x4.add(a1, f32x4.mul(v1, t));
			a2 = f32x4.add(a2, f32x4.mul(v2, t));
			a3 = f32x4.add(a3, f32x4.mul(v3, t));
			t = v128.load(w, 16);
			a0 = f32x4.add(a0, f32x4.mul(Shift.by1(v0, v1), t));
			a1 = f32x4.add(a1, f32x4.mul(Shift.by1(v1, v2), t));
			a2 = f32x4.add(a2, f32x4.mul(Shift.by1(v2, v3), t));
			a3 = f32x4.add(a3, f32x4.mul(Shift.by1(v3, v4), t));
			t = v128.load(w, 32);
			a0 = f32x4.add(a0, f32x4.mul(Shift.by2(v0, v1), t));
			a1 = f32x4.add(a1, f32x4.mul(Shift.by2(v1, v2), t));
			a2 = f32x4.add(a2, f32x4.mul(Shift.by2(v2, v3), t));
			a3 = f32x4.add(a3, f32x4.mul(Shift.by2(v3, v4), t));
			t = v128.load(w, 48);
			a0 = f32x4.add(a0, f32x4.mul(Shift.by3(v0, v1), t));
			a1 = f32x4.add(a1, f32x4.mul(Shift.by3(v1, v2), t));
			a2 = f32x4.add(a2, f32x4.mul(Shift.by3(v2, v3), t));
			a3 = f32x4.add(a3, f32x4.mul(Shift.by3(v3, v4), t));
			t = v128.load(w, 64);
			a0 = f32x4.add(a0, f32x4.mul(v1, t));
			a1 = f32x4.add(a1, f32x4.mul(v2, t));
			a2 = f32x4.add(a2, f32x4.mul(v3, t));
			a3 = f32x4.add(a3, f32x4.mul(v4, t));
			p += rs;
			w += 80;
		}
		put(y, a0, bv, form);
		put(y + 16, a1, bv, form);
		put(y + 32, a2, bv, form);
		put(y + 48, a3, bv, form);
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
