// Padded, phase-split copies of input rows for the kxk and depthwise loops.
// A band holds the padded rows one block of output rows reads. Each padded
// row is stored as `sw` phases (columns ph, ph+sw, ph+2sw, ...) of `lr` floats,
// so output column ox at tap kx reads phase kx % sw at index ox + kx / sw:
// every inner loop reads contiguous floats whatever the stride.

/** Widest pixel tile of the loops: a band row is never shorter than this plus
 * the taps, so a plane narrower than a tile is still read inside the band. */
export const TILE: i32 = 16;

/** Floats per phase of a padded row. */
export function phaseLen(w: i32, pl: i32, pr: i32, kw: i32, sw: i32): i32 {
	const l = max((w + pl + pr + sw - 1) / sw, TILE + (kw - 1) / sw);
	return (l + 3) & ~3;
}

/** Output rows per band: as many as fit `budget` bytes of band, at least 1. */
export function bandRows(nc: i32, lr: i32, sw: i32, kh: i32, sh: i32, oh: i32, budget: i32): i32 {
	const rowBytes = nc * sw * lr * 4;
	const rows = budget / rowBytes;
	return max(1, min(oh, (rows - kh) / sh + 1));
}

/** Padded rows a band of `r` output rows holds. */
export function bandHeight(r: i32, kh: i32, sh: i32): i32 {
	return (r - 1) * sh + kh;
}

/** Fills band rows 0..n-1 with padded rows y0..y0+n-1 (padded row r is input
 * row r - pt; rows outside the input are zeros) of channels 0..nc-1. Rows of
 * channel c start at dst + c * bh rows. */
export function fillBand(
	x: usize,
	nc: i32,
	h: i32,
	w: i32,
	y0: i32,
	n: i32,
	pt: i32,
	pl: i32,
	sw: i32,
	lr: i32,
	bh: i32,
	dst: usize,
): void {
	const rowBytes = (<usize>(sw * lr)) << 2;
	const plane = (<usize>h * <usize>w) << 2;
	for (let c = 0; c < nc; c++) {
		let d = dst + <usize>(c * bh) * rowBytes;
		const xc = x + <usize>c * plane;
		for (let i = 0; i < n; i++) {
			const iy = y0 + i - pt;
			if (iy < 0 || iy >= h) memory.fill(d, 0, rowBytes);
			else fillRow(xc + ((<usize>iy * <usize>w) << 2), w, pl, sw, lr, d);
			d += rowBytes;
		}
	}
}

/** One input row of w floats to sw phases of lr floats, pl zeros in front. */
function fillRow(src: usize, w: i32, pl: i32, sw: i32, lr: i32, d: usize): void {
	if (sw === 1) {
		const pre = (<usize>pl) << 2;
		const body = (<usize>w) << 2;
		memory.fill(d, 0, pre);
		memory.copy(d + pre, src, body);
		memory.fill(d + pre + body, 0, ((<usize>lr) << 2) - pre - body);
		return;
	}
	if (sw === 2) {
		fillRow2(src, w, pl, lr, d);
		return;
	}
	for (let ph = 0; ph < sw; ph++) {
		const q = d + ((<usize>(ph * lr)) << 2);
		// Phase index j holds padded column j*sw+ph, input column j*sw+ph-pl.
		for (let j = 0; j < lr; j++) {
			const ix = j * sw + ph - pl;
			const v: f32 = ix >= 0 && ix < w ? load<f32>(src + ((<usize>ix) << 2)) : 0.0;
			store<f32>(q + ((<usize>j) << 2), v);
		}
	}
}

/** Stride 2: input column 2m lands in phase pl & 1 at m + pl / 2, column
 * 2m+1 in the other phase at m + (pl + 1) / 2; 8 columns split per step. */
function fillRow2(src: usize, w: i32, pl: i32, lr: i32, d: usize): void {
	const phase = (<usize>lr) << 2;
	memory.fill(d, 0, phase << 1);
	const ev = d + <usize>(pl & 1) * phase + ((<usize>(pl >> 1)) << 2);
	const od = d + <usize>((pl + 1) & 1) * phase + ((<usize>((pl + 1) >> 1)) << 2);
	let m = 0;
	for (; m * 2 + 8 <= w; m += 4) {
		const s = src + ((<usize>m) << 3);
		const v0 = v128.load(s);
		const v1 = v128.load(s, 16);
		v128.store(ev + ((<usize>m) << 2), v128.shuffle<f32>(v0, v1, 0, 2, 4, 6));
		v128.store(od + ((<usize>m) << 2), v128.shuffle<f32>(v0, v1, 1, 3, 5, 7));
	}
	for (let ix = m * 2; ix < w; ix++) {
		const v = load<f32>(src + ((<usize>ix) << 2));
		store<f32>((ix & 1 ? od : ev) + ((<usize>(ix >> 1)) << 2), v);
	}
}
