// Depthwise 5x5 at stride 1, two output rows at a time (_infer_conv_dw.ts
// takes it for every pair of rows whose kernel rows all fall inside the image):
// the six band rows they read are loaded once for both.

import { put } from "./_infer_conv_dw";
import { Shift } from "./_infer_conv_dw5";

/**
 * Two output rows (at y and y + ys) of a 5x5 stride-1 depthwise conv, ow >= 16.
 * They read six band rows, four of them in common: each x vector is loaded
 * once and multiplied into both rows (fewer loads per multiply-add than two
 * single rows, which matters where every load is bounds-checked), and in
 * band rows 1-4 the shifted taps are shuffled out of five loads.
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
		Tile5Pair.tile(xr + q, rs, wc, y + q, ys, bv, form);
	}
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Tile5Pair {
	/** One 16-column tile of the two rows: src is its first column in band row 0 (rows rs apart), y its first output. */
	@inline
	static tile(src: usize, rs: usize, wc: usize, y: usize, ys: usize, bv: v128, form: i32): void {
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		let b0 = a0;
		let b1 = a0;
		let b2 = a0;
		let b3 = a0;
		// Band row 0 feeds only the first row (its kernel row 0).
		let p = src;
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
		// Band rows 1-4: kernel row r for the first output row, r - 1 for the second;
		// five loads a band row, the shifted taps shuffled out of them.
		for (let r = 1; r < 5; r++) {
			p = src + <usize>r * rs;
			w = wc + <usize>(r * 80);
			const v0 = v128.load(p, 0);
			const v1 = v128.load(p, 16);
			const v2 = v128.load(p, 32);
			const v3 = v128.load(p, 48);
			const v4 = v128.load(p, 64);
			let wa = v128.load(w, 0);
			let wb = v128.load(w - 80, 0);
			a0 = f32x4.add(a0, f32x4.mul(v0, wa));
			b0 = f32x4.add(b0, f32x4.mul(v0, wb));
			a1 = f32x4.add(a1, f32x4.mul(v1, wa));
			b1 = f32x4.add(b1, f32x4.mul(v1, wb));
			a2 = f32x4.add(a2, f32x4.mul(v2, wa));
			b2 = f32x4.add(b2, f32x4.mul(v2, wb));
			a3 = f32x4.add(a3, f32x4.mul(v3, wa));
			b3 = f32x4.add(b3, f32x4.mul(v3, wb));
			wa = v128.load(w, 16);
			wb = v128.load(w - 80, 16);
			let x = Shift.by1(v0, v1);
			a0 = f32x4.add(a0, f32x4.mul(x, wa));
			b0 = f32x4.add(b0, f32x4.mul(x, wb));
			x = Shift.by1(v1, v2);
			a1 = f32x4.add(a1, f32x4.mul(x, wa));
			b1 = f32x4.add(b1, f32x4.mul(x, wb));
			x = Shift.by1(v2, v3);
			a2 = f32x4.add(a2, f32x4.mul(x, wa));
			b2 = f32x4.add(b2, f32x4.mul(x, wb));
			x = Shift.by1(v3, v4);
			a3 = f32x4.add(a3, f32x4.mul(x, wa));
			b3 = f32x4.add(b3, f32x4.mul(x, wb));
			wa = v128.load(w, 32);
			wb = v128.load(w - 80, 32);
			x = Shift.by2(v0, v1);
			a0 = f32x4.add(a0, f32x4.mul(x, wa));
			b0 = f32x4.add(b0, f32x4.mul(x, wb));
			x = Shift.by2(v1, v2);
			a1 = f32x4.add(a1, f32x4.mul(x, wa));
			b1 = f32x4.add(b1, f32x4.mul(x, wb));
			x = Shift.by2(v2, v3);
			a2 = f32x4.add(a2, f32x4.mul(x, wa));
			b2 = f32x4.add(b2, f32x4.mul(x, wb));
			x = Shift.by2(v3, v4);
			a3 = f32x4.add(a3, f32x4.mul(x, wa));
			b3 = f32x4.add(b3, f32x4.mul(x, wb));
			wa = v128.load(w, 48);
			wb = v128.load(w - 80, 48);
			x = Shift.by3(v0, v1);
			a0 = f32x4.add(a0, f32x4.mul(x, wa));
			b0 = f32x4.add(b0, f32x4.mul(x, wb));
			x = Shift.by3(v1, v2);
			a1 = f32x4.add(a1, f32x4.mul(x, wa));
			b1 = f32x4.add(b1, f32x4.mul(x, wb));
			x = Shift.by3(v2, v3);
			a2 = f32x4.add(a2, f32x4.mul(x, wa));
			b2 = f32x4.add(b2, f32x4.mul(x, wb));
			x = Shift.by3(v3, v4);
			a3 = f32x4.add(a3, f32x4.mul(x, wa));
			b3 = f32x4.add(b3, f32x4.mul(x, wb));
			wa = v128.load(w, 64);
			wb = v128.load(w - 80, 64);
			a0 = f32x4.add(a0, f32x4.mul(v1, wa));
			b0 = f32x4.add(b0, f32x4.mul(v1, wb));
			a1 = f32x4.add(a1, f32x4.mul(v2, wa));
			b1 = f32x4.add(b1, f32x4.mul(v2, wb));
			a2 = f32x4.add(a2, f32x4.mul(v3, wa));
			b2 = f32x4.add(b2, f32x4.mul(v3, wb));
			a3 = f32x4.add(a3, f32x4.mul(v4, wa));
			b3 = f32x4.add(b3, f32x4.mul(v4, wb));
		}
		// Band row 5 feeds only the second row (its kernel row 4).
		p = src + 5 * rs;
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
		const ya = y;
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
