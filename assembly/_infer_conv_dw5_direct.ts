// Depthwise 5x5 at stride 1 with two columns of zero padding either side
// (the recogniser's and the detector's 5x5 depthwise convs at stride 1), one
// channel read straight from its input plane: the 16-column tiles clear of
// its left and right edges take their rows where they lie, and only the two
// edge tiles read padded copies, 20 columns a row at each side. The band the
// other paths fill first (_infer_conv_band.ts) copies every input row whole:
// without that copy a 240-channel 12 x 48 plane took 17 % less time, 12 x 102
// 8 %, a 480-channel 6 x 51 plane 13 % (Node 26, bounds checks on). The
// tiles are the band path's (Tile5, Tile5Pair) on the same values, so the
// output keeps its bits; there are as many tiles as on that path.

import { actRow, postRow } from "./_infer_conv_act";
import { Tile5 } from "./_infer_conv_dw5";
import { Tile5Pair } from "./_infer_conv_dw5_pair";

/** Bytes of one padded row of an edge strip: 20 floats. */
const STRIP_ROW: i32 = 80;

/**
 * Whether a depthwise conv goes this way: 5x5, stride 1, 2 columns of
 * padding each side, room for a tile clear of both edges (w >= 34), and both
 * edge strips within the band scratch (`floats` of it).
 */
export function dw5Direct(
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
	floats: i32,
): bool {
	if (kh !== 5 || kw !== 5 || sh !== 1 || sw !== 1 || pl !== 2 || pr !== 2 || w < 34) return false;
	return 2 * (h + pt + pb) * 20 <= floats;
}

/**
 * The edge strips of a channel, one padded row each per row of the band:
 * left columns -2..17 at `left`, right columns w-18..w+1 at `right`
 * (padding zero), row r being input row r - pt.
 */
function fillStrips(xc: usize, h: i32, w: i32, pt: i32, pb: i32, left: usize, right: usize): void {
	const zero = f32x4.splat(0.0);
	const rs = (<usize>w) << 2;
	const tail = (<usize>(w - 18)) << 2;
	for (let r = 0; r < h + pt + pb; r++) {
		const l = left + <usize>(r * STRIP_ROW);
		const g = right + <usize>(r * STRIP_ROW);
		const iy = r - pt;
		if (iy < 0 || iy >= h) {
			for (let o = 0; o < STRIP_ROW; o += 16) {
				v128.store(l + <usize>o, zero);
				v128.store(g + <usize>o, zero);
			}
			continue;
		}
		const row = xc + <usize>iy * rs;
		v128.store(l, v128.shuffle<f32>(zero, v128.load(row), 0, 1, 4, 5));
		v128.store(l, v128.load(row, 8), 16);
		v128.store(l, v128.load(row, 24), 32);
		v128.store(l, v128.load(row, 40), 48);
		v128.store(l, v128.load(row, 56), 64);
		const t = row + tail;
		v128.store(g, v128.load(t));
		v128.store(g, v128.load(t, 16), 16);
		v128.store(g, v128.load(t, 32), 32);
		v128.store(g, v128.load(t, 48), 48);
		v128.store(g, v128.shuffle<f32>(v128.load(t, 56), zero, 2, 3, 4, 5), 64);
	}
}

/**
 * One channel: x plane xc (h x w), packed taps wc, output plane yc (oh x w),
 * padding rows pt above and pb below; the strips go in `scratch`. Bias,
 * fused form and late activation as convDepthwise has them.
 */
export function dw5Plane(
	xc: usize,
	wc: usize,
	yc: usize,
	scratch: usize,
	h: i32,
	w: i32,
	oh: i32,
	pt: i32,
	pb: i32,
	bv: v128,
	form: i32,
	late: i32,
	al: v128,
	be: v128,
): void {
	const left = scratch;
	const strips = scratch + <usize>((h + pt + pb) * STRIP_ROW);
	fillStrips(xc, h, w, pt, pb, left, strips);
	const rs = (<usize>w) << 2;
	const right = (<usize>(w - 16)) << 2;
	// Tiles at 16, 32, ... while they read inside the plane (columns ox - 2 .. ox + 17), then
	// one at w - 32 if they stop short of the right edge tile; as many tiles as the band path.
	const last = ((w - 18) >> 4) << 4;
	const extra = last + 16 < w - 16;
	for (let oy = 0; oy < oh; oy++) {
		const yr = yc + <usize>oy * rs;
		// The plane's row of kernel row 0, 2 columns to the left: only rows inside the plane are read.
		const xr = <usize>(<isize>xc + <isize>((oy - pt) * w - 2) * 4);
		const sl = left + <usize>(oy * STRIP_ROW);
		const sr = strips + <usize>(oy * STRIP_ROW);
		const ky0 = max(0, pt - oy);
		const ky1 = min(5, h + pt - oy);
		if (oy + 1 < oh && ky0 === 0 && h + pt - (oy + 1) >= 5) {
			Tile5Pair.tile(sl, STRIP_ROW, wc, yr, rs, bv, form);
			for (let ox = 16; ox <= last; ox += 16)
				Tile5Pair.tile(xr + ((<usize>ox) << 2), rs, wc, yr + ((<usize>ox) << 2), rs, bv, form);
			if (extra) Tile5Pair.tile(xr + ((<usize>(w - 32)) << 2), rs, wc, yr + ((<usize>(w - 32)) << 2), rs, bv, form);
			Tile5Pair.tile(sr, STRIP_ROW, wc, yr + right, rs, bv, form);
			actRow(yr, w << 1, late, al, be);
			postRow(yr, w << 1);
			oy++;
			continue;
		}
		Tile5.single(sl, STRIP_ROW, wc, ky0, ky1, yr, bv, form);
		for (let ox = 16; ox <= last; ox += 16)
			Tile5.single(xr + ((<usize>ox) << 2), rs, wc, ky0, ky1, yr + ((<usize>ox) << 2), bv, form);
		if (extra) Tile5.single(xr + ((<usize>(w - 32)) << 2), rs, wc, ky0, ky1, yr + ((<usize>(w - 32)) << 2), bv, form);
		Tile5.single(sr, STRIP_ROW, wc, ky0, ky1, yr + right, bv, form);
		actRow(yr, w, late, al, be);
		postRow(yr, w);
	}
}
