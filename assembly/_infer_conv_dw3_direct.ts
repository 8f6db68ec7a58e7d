// Depthwise 3x3 at stride 1 with one row and column of zero padding all
// round (the recogniser's and the detector's 3x3 depthwise convs at stride
// 1), one channel read in place as _infer_conv_dw5_direct.ts reads a 5x5
// one: pairs of output rows whose four input rows lie inside the plane take
// their 8-column tiles clear of the edges from the input itself and the two
// edge tiles from padded strips of 10 columns; the first and last rows go
// through a band of just their own rows. The tiles are the band path's
// (Tile3Pair) on the same values, so the output keeps its bits.

import { actRow, postRow } from "./_infer_conv_act";
import { fillBand } from "./_infer_conv_band";
import { rows3x3Pair, Tile3Pair } from "./_infer_conv_dw3";

/** Bytes of one padded row of an edge strip: 10 floats. */
const STRIP_ROW: i32 = 40;

/** Whether a depthwise conv goes this way: 3x3, stride 1, padding 1 all round, a tile clear of both edges (w >= 17), strips and a 4-row band within the scratch's `floats`. */
export function dw3Direct(
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
	h: i32,
	w: i32,
	lr: i32,
	floats: i32,
): bool {
	if (kh !== 3 || kw !== 3 || sh !== 1 || sw !== 1 || pt !== 1 || pl !== 1 || pb !== 1 || pr !== 1) return false;
	return w >= 17 && h >= 4 && 2 * (h + 2) * 10 + 4 * lr <= floats;
}

/** Edge strips: left padded columns 0..9 (input -1..8), right w-8..w+1 (input w-9..w), a row per padded row (input row r - 1). */
function fillStrips(xc: usize, h: i32, w: i32, left: usize, right: usize): void {
	const zero = f32x4.splat(0.0);
	const rs = (<usize>w) << 2;
	for (let r = 0; r < h + 2; r++) {
		const l = left + <usize>(r * STRIP_ROW);
		const g = right + <usize>(r * STRIP_ROW);
		const iy = r - 1;
		if (iy < 0 || iy >= h) {
			v128.store(l, zero);
			v128.store(l, zero, 16);
			v128.store64_lane(l, zero, 0, 32);
			v128.store(g, zero);
			v128.store(g, zero, 16);
			v128.store64_lane(g, zero, 0, 32);
			continue;
		}
		const row = xc + <usize>iy * rs;
		v128.store(l, v128.shuffle<f32>(zero, v128.load(row), 0, 4, 5, 6));
		v128.store(l, v128.load(row, 12), 16);
		v128.store64_lane(l, v128.load64_zero(row, 28), 0, 32);
		const t = row + ((<usize>(w - 9)) << 2);
		v128.store(g, v128.load(t));
		v128.store(g, v128.load(t, 16), 16);
		v128.store64_lane(g, v128.shuffle<f32>(v128.load(t, 20), zero, 3, 4, 4, 4), 0, 32);
	}
}

/**
 * One channel: x plane xc (h x w), packed taps wc, output plane yc (h x w);
 * scratch holds the strips and a band of 4 rows (lr floats each). Bias,
 * fused form and late activation as convDepthwise has them.
 */
export function dw3Plane(
	xc: usize,
	wc: usize,
	yc: usize,
	scratch: usize,
	h: i32,
	w: i32,
	lr: i32,
	bv: v128,
	form: i32,
	late: i32,
	al: v128,
	be: v128,
): void {
	const left = scratch;
	const right = scratch + <usize>((h + 2) * STRIP_ROW);
	const band = right + <usize>((h + 2) * STRIP_ROW);
	fillStrips(xc, h, w, left, right);
	const w0 = v128.load(wc, 0);
	const w1 = v128.load(wc, 16);
	const w2 = v128.load(wc, 32);
	const w3 = v128.load(wc, 48);
	const w4 = v128.load(wc, 64);
	const w5 = v128.load(wc, 80);
	const w6 = v128.load(wc, 96);
	const w7 = v128.load(wc, 112);
	const w8 = v128.load(wc, 128);
	const rs = (<usize>w) << 2;
	const brs = (<usize>lr) << 2;
	const edge = (<usize>(w - 8)) << 2;
	// Tiles at 8, 16, ... while they read inside the plane (columns ox - 1 .. ox + 8), then one
	// at w - 16 if they stop short of the right edge tile: as many tiles as the band path.
	const last = ((w - 9) >> 3) << 3;
	const extra = last + 8 < w - 8;
	let oy = 0;
	while (oy < h) {
		// Rows go in pairs; a lone last row is the second of a pair that redoes the row before it
		// (written again from its sums, then activated once with the pair).
		const at = h - oy === 1 ? h - 2 : oy;
		const yr = yc + <usize>at * rs;
		if (at >= 1 && at + 2 < h) {
			// Input rows at - 1 .. at + 2, all inside; x at column -1 of the first.
			const xr = <usize>(<isize>xc + <isize>((at - 1) * w - 1) * 4);
			Tile3Pair.tile(
				left + <usize>(at * STRIP_ROW),
				STRIP_ROW,
				4,
				8,
				w0,
				w1,
				w2,
				w3,
				w4,
				w5,
				w6,
				w7,
				w8,
				yr,
				rs,
				bv,
				form,
			);
			for (let ox = 8; ox <= last; ox += 8) {
				const q = (<usize>ox) << 2;
				Tile3Pair.tile(xr + q, rs, 4, 8, w0, w1, w2, w3, w4, w5, w6, w7, w8, yr + q, rs, bv, form);
			}
			if (extra) {
				const q = (<usize>(w - 16)) << 2;
				Tile3Pair.tile(xr + q, rs, 4, 8, w0, w1, w2, w3, w4, w5, w6, w7, w8, yr + q, rs, bv, form);
			}
			Tile3Pair.tile(
				right + <usize>(at * STRIP_ROW),
				STRIP_ROW,
				4,
				8,
				w0,
				w1,
				w2,
				w3,
				w4,
				w5,
				w6,
				w7,
				w8,
				yr + edge,
				rs,
				bv,
				form,
			);
		} else {
			// The first pair and the last: their four padded rows, padding included, as the band path has them.
			fillBand(xc, 1, h, w, at, 4, 1, 1, 1, lr, 4, band);
			rows3x3Pair(band, brs, 4, 8, wc, yr, rs, w, bv, form);
		}
		actRow(yr, w << 1, late, al, be);
		postRow(yr, w << 1);
		oy = at + 2;
	}
}
