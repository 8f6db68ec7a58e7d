// Depthwise 3x3 rows with the 9 weights in registers: at row stride 1 two
// output rows at a time (the four input rows they read are loaded once each
// per tap column, so a pair costs 24 loads for 144 multiply-adds instead of
// 36), and single rows at column stride 1 or 2.

import { put } from "./_infer_conv_dw";

/** Output rows y and y + ys from band rows xr.. (rs apart); o1, o2: byte
 * offsets of taps kx = 1, 2 from tap 0. ow >= 8. */
export function rows3x3Pair(
	xr: usize,
	rs: usize,
	o1: usize,
	o2: usize,
	wc: usize,
	y: usize,
	ys: usize,
	ow: i32,
	bv: v128,
	form: i32,
): void {
	const w0 = v128.load(wc, 0);
	const w1 = v128.load(wc, 16);
	const w2 = v128.load(wc, 32);
	const w3 = v128.load(wc, 48);
	const w4 = v128.load(wc, 64);
	const w5 = v128.load(wc, 80);
	const w6 = v128.load(wc, 96);
	const w7 = v128.load(wc, 112);
	const w8 = v128.load(wc, 128);
	for (let ox = 0; ox < ow; ox += 8) {
		const q = (<usize>(ox + 8 <= ow ? ox : ow - 8)) << 2;
		Tile3Pair.tile(xr + q, rs, o1, o2, w0, w1, w2, w3, w4, w5, w6, w7, w8, y + q, ys, bv, form);
	}
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Tile3Pair {
	/** One 8-column tile of the two rows: src is its first column in band row 0 (rows rs apart), y its first output; w0..w8 the taps. */
	@inline
	static tile(
		src: usize,
		rs: usize,
		o1: usize,
		o2: usize,
		w0: v128,
		w1: v128,
		w2: v128,
		w3: v128,
		w4: v128,
		w5: v128,
		w6: v128,
		w7: v128,
		w8: v128,
		y: usize,
		ys: usize,
		bv: v128,
		form: i32,
	): void {
		let p = src;
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let b0 = a0;
		let b1 = a0;
		let t = p;
		let x0 = v128.load(t);
		let x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w0));
		a1 = f32x4.add(a1, f32x4.mul(x1, w0));
		t = p + o1;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w1));
		a1 = f32x4.add(a1, f32x4.mul(x1, w1));
		t = p + o2;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w2));
		a1 = f32x4.add(a1, f32x4.mul(x1, w2));
		p += rs;
		t = p;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w3));
		a1 = f32x4.add(a1, f32x4.mul(x1, w3));
		b0 = f32x4.add(b0, f32x4.mul(x0, w0));
		b1 = f32x4.add(b1, f32x4.mul(x1, w0));
		t = p + o1;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w4));
		a1 = f32x4.add(a1, f32x4.mul(x1, w4));
		b0 = f32x4.add(b0, f32x4.mul(x0, w1));
		b1 = f32x4.add(b1, f32x4.mul(x1, w1));
		t = p + o2;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w5));
		a1 = f32x4.add(a1, f32x4.mul(x1, w5));
		b0 = f32x4.add(b0, f32x4.mul(x0, w2));
		b1 = f32x4.add(b1, f32x4.mul(x1, w2));
		p += rs;
		t = p;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w6));
		a1 = f32x4.add(a1, f32x4.mul(x1, w6));
		b0 = f32x4.add(b0, f32x4.mul(x0, w3));
		b1 = f32x4.add(b1, f32x4.mul(x1, w3));
		t = p + o1;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w7));
		a1 = f32x4.add(a1, f32x4.mul(x1, w7));
		b0 = f32x4.add(b0, f32x4.mul(x0, w4));
		b1 = f32x4.add(b1, f32x4.mul(x1, w4));
		t = p + o2;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		a0 = f32x4.add(a0, f32x4.mul(x0, w8));
		a1 = f32x4.add(a1, f32x4.mul(x1, w8));
		b0 = f32x4.add(b0, f32x4.mul(x0, w5));
		b1 = f32x4.add(b1, f32x4.mul(x1, w5));
		p += rs;
		t = p;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		b0 = f32x4.add(b0, f32x4.mul(x0, w6));
		b1 = f32x4.add(b1, f32x4.mul(x1, w6));
		t = p + o1;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		b0 = f32x4.add(b0, f32x4.mul(x0, w7));
		b1 = f32x4.add(b1, f32x4.mul(x1, w7));
		t = p + o2;
		x0 = v128.load(t);
		x1 = v128.load(t, 16);
		b0 = f32x4.add(b0, f32x4.mul(x0, w8));
		b1 = f32x4.add(b1, f32x4.mul(x1, w8));
		const yq = y;
		put(yq, a0, bv, form);
		put(yq + 16, a1, bv, form);
		put(yq + ys, b0, bv, form);
		put(yq + ys + 16, b1, bv, form);
	}
}

/** 3x3 row, ow >= 16: the 9 weights stay in registers; o1, o2 are the byte
 * offsets of taps kx = 1, 2 from tap 0 (the next column, or another phase). */
export function row3x3(
	xr: usize,
	rs: usize,
	o1: usize,
	o2: usize,
	wc: usize,
	yr: usize,
	ow: i32,
	bv: v128,
	form: i32,
): void {
	const w0 = v128.load(wc, 0);
	const w1 = v128.load(wc, 16);
	const w2 = v128.load(wc, 32);
	const w3 = v128.load(wc, 48);
	const w4 = v128.load(wc, 64);
	const w5 = v128.load(wc, 80);
	const w6 = v128.load(wc, 96);
	const w7 = v128.load(wc, 112);
	const w8 = v128.load(wc, 128);
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		let p = xr + q;
		let t = p;
		let a0 = f32x4.mul(v128.load(t), w0);
		let a1 = f32x4.mul(v128.load(t, 16), w0);
		let a2 = f32x4.mul(v128.load(t, 32), w0);
		let a3 = f32x4.mul(v128.load(t, 48), w0);
		t = p + o1;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w1));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w1));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w1));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w1));
		t = p + o2;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w2));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w2));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w2));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w2));
		p += rs;
		t = p;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w3));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w3));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w3));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w3));
		t = p + o1;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w4));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w4));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w4));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w4));
		t = p + o2;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w5));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w5));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w5));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w5));
		p += rs;
		t = p;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w6));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w6));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w6));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w6));
		t = p + o1;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w7));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w7));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w7));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w7));
		t = p + o2;
		a0 = f32x4.add(a0, f32x4.mul(v128.load(t), w8));
		a1 = f32x4.add(a1, f32x4.mul(v128.load(t, 16), w8));
		a2 = f32x4.add(a2, f32x4.mul(v128.load(t, 32), w8));
		a3 = f32x4.add(a3, f32x4.mul(v128.load(t, 48), w8));
		const yq = yr + q;
		put(yq, a0, bv, form);
		put(yq + 16, a1, bv, form);
		put(yq + 32, a2, bv, form);
		put(yq + 48, a3, bv, form);
	}
}
