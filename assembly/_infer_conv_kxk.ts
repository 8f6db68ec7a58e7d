// Dense (or one group's) kxk convolution at any stride and padding, direct
// over a band of padded phase-split rows (see _infer_conv_band.ts). A tile is
// 4 output channels x 8 output columns; per tap it loads 2 vectors of x and
// one of weights (the packed block holds [cin][kh][kw][4]).
// Products accumulate through f32x4.relaxed_madd, as in _infer_gemm_tile.ts (why there).

import { store8 } from "./_infer_conv_1x1";
import { actRow, biasOf, postRow, setEpilogue } from "./_infer_conv_act";
import { bandHeight, bandRows, fillBand, phaseLen } from "./_infer_conv_band";

/** Band bytes the dense loop aims at: the rows of one group's input channels
 * that a block of output rows reads, kept in L2 across the channel blocks. */
export const DENSE_BUDGET: i32 = 256 << 10;

// Outputs of a tile whose plane is narrower than 8 columns land here first.
const TMP: usize = memory.data(4 * 8 * 4, 16);

export function denseScratch(
	nc: i32,
	h: i32,
	w: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
): i32 {
	const oh = (h + pt + pb - kh) / sh + 1;
	const lr = phaseLen(w, pl, pr, kw, sw);
	const r = bandRows(nc, lr, sw, kh, sh, oh, DENSE_BUDGET);
	return nc * bandHeight(r, kh, sh) * sw * lr * 4;
}

/** One tile. `xb`: band row of channel 0 at the first tap's column; cs, rs,
 * ps: byte strides between channels, padded rows and phases of the band. */
function tile(
	xb: usize,
	nc: i32,
	cs: usize,
	rs: usize,
	ps: usize,
	kh: i32,
	kw: i32,
	sw: i32,
	w: usize,
	y: usize,
	ys: usize,
	nco: i32,
	bias: usize,
	co: i32,
	form: i32,
): void {
	let a0 = f32x4.splat(0.0);
	let a1 = a0;
	let a2 = a0;
	let a3 = a0;
	let a4 = a0;
	let a5 = a0;
	let a6 = a0;
	let a7 = a0;
	for (let c = 0; c < nc; c++) {
		let rp = xb + <usize>c * cs;
		for (let ky = 0; ky < kh; ky++) {
			let ph: i32 = 0;
			let off: usize = 0;
			for (let kx = 0; kx < kw; kx++) {
				const p = rp + <usize>ph * ps + off;
				const x0 = v128.load(p);
				const x1 = v128.load(p, 16);
				const wv = v128.load(w);
				let s = v128.shuffle<f32>(wv, wv, 0, 0, 0, 0);
				a0 = f32x4.relaxed_madd(x0, s, a0);
				a1 = f32x4.relaxed_madd(x1, s, a1);
				s = v128.shuffle<f32>(wv, wv, 1, 1, 1, 1);
				a2 = f32x4.relaxed_madd(x0, s, a2);
				a3 = f32x4.relaxed_madd(x1, s, a3);
				s = v128.shuffle<f32>(wv, wv, 2, 2, 2, 2);
				a4 = f32x4.relaxed_madd(x0, s, a4);
				a5 = f32x4.relaxed_madd(x1, s, a5);
				s = v128.shuffle<f32>(wv, wv, 3, 3, 3, 3);
				a6 = f32x4.relaxed_madd(x0, s, a6);
				a7 = f32x4.relaxed_madd(x1, s, a7);
				w += 16;
				if (++ph === sw) {
					ph = 0;
					off += 4;
				}
			}
			rp += rs;
		}
	}
	store8(y, a0, a1, biasOf(bias, co), form);
	if (nco > 1) store8(y + ys, a2, a3, biasOf(bias, co + 1), form);
	if (nco > 2) store8(y + 2 * ys, a4, a5, biasOf(bias, co + 2), form);
	if (nco > 3) store8(y + 3 * ys, a6, a7, biasOf(bias, co + 3), form);
}

/** y [cout][oh][ow] of x [cin][h][w]; wp packed in blocks of 4 channels. */
export function convDense(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	scratch: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	const form = setEpilogue(act, alpha, beta);
	const late = act >= 4 ? act : 0;
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	const lr = phaseLen(w, pl, pr, kw, sw);
	const r = bandRows(cin, lr, sw, kh, sh, oh, DENSE_BUDGET);
	const bh = bandHeight(r, kh, sh);
	const ps = (<usize>lr) << 2;
	const rs = <usize>sw * ps;
	const cs = <usize>bh * rs;
	const ys = (<usize>oh * <usize>ow) << 2;
	const block = (<usize>(cin * kh * kw)) << 4;
	for (let oy0 = 0; oy0 < oh; oy0 += r) {
		const nr = min(r, oh - oy0);
		fillBand(x, cin, h, w, oy0 * sh, bandHeight(nr, kh, sh), pt, pl, sw, lr, bh, scratch);
		for (let co = 0; co < cout; co += 4) {
			const nco = min(4, cout - co);
			const wb = wp + <usize>(co >> 2) * block;
			for (let i = 0; i < nr; i++) {
				const xr = scratch + <usize>(i * sh) * rs;
				const yr = y + <usize>co * ys + ((<usize>(oy0 + i) * <usize>ow) << 2);
				if (ow < 8) {
					tile(xr, cin, cs, rs, ps, kh, kw, sw, wb, TMP, 32, nco, bias, co, form);
					for (let j = 0; j < nco; j++) memory.copy(yr + <usize>j * ys, TMP + <usize>(j * 32), (<usize>ow) << 2);
				} else {
					for (let ox = 0; ox < ow; ox += 8) {
						const q = (<usize>(ox + 8 <= ow ? ox : ow - 8)) << 2;
						tile(xr + q, cin, cs, rs, ps, kh, kw, sw, wb, yr + q, ys, nco, bias, co, form);
					}
				}
				for (let j = 0; j < nco; j++) {
					actRow(yr + <usize>j * ys, ow, late, al, be);
					postRow(yr + <usize>j * ys, ow);
				}
			}
		}
	}
}
