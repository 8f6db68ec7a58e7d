// Depthwise convolution (group == cin == cout): each channel filtered by its
// own kh x kw taps, over a band of padded phase-split rows of that channel.
// Weights are packed pre-splatted, [c][kh*kw][4], so a tap is one v128 load.

import { store8 } from "./_infer_conv_1x1";
import { biasOf } from "./_infer_conv_act";
import { bandHeight, bandRows, fillBand, phaseLen } from "./_infer_conv_band";

const DW_BUDGET: i32 = 64 << 10;

const TMP: usize = memory.data(8 * 4, 16);

export function dwScratch(h: i32, w: i32, kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32): i32 {
	const oh = (h + pt + pb - kh) / sh + 1;
	const lr = phaseLen(w, pl, pr, kw, sw);
	const r = bandRows(1, lr, sw, kh, sh, oh, DW_BUDGET);
	return bandHeight(r, kh, sh) * sw * lr * 4;
}

/** 8 output columns of one row: xb is the band row at the first tap. */
function tile8(
	xb: usize,
	rs: usize,
	ps: usize,
	kh: i32,
	kw: i32,
	sw: i32,
	w: usize,
	y: usize,
	bv: v128,
	act: i32,
	al: v128,
	be: v128,
): void {
	let a0 = f32x4.splat(0.0);
	let a1 = a0;
	for (let ky = 0; ky < kh; ky++) {
		let ph: i32 = 0;
		let off: usize = 0;
		for (let kx = 0; kx < kw; kx++) {
			const p = xb + <usize>ph * ps + off;
			const wv = v128.load(w);
			a0 = f32x4.add(a0, f32x4.mul(v128.load(p), wv));
			a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), wv));
			w += 16;
			if (++ph === sw) {
				ph = 0;
				off += 4;
			}
		}
		xb += rs;
	}
	store8(y, a0, a1, bv, act, al, be);
}

export function convDepthwise(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	scratch: usize,
	c: i32,
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
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	const lr = phaseLen(w, pl, pr, kw, sw);
	const r = bandRows(1, lr, sw, kh, sh, oh, DW_BUDGET);
	const bh = bandHeight(r, kh, sh);
	const ps = (<usize>lr) << 2;
	const rs = <usize>sw * ps;
	const plane = (<usize>h * <usize>w) << 2;
	const oplane = (<usize>oh * <usize>ow) << 2;
	const taps = (<usize>(kh * kw)) << 4;
	for (let ch = 0; ch < c; ch++) {
		const xc = x + <usize>ch * plane;
		const wc = wp + <usize>ch * taps;
		const yc = y + <usize>ch * oplane;
		const bv = biasOf(bias, ch);
		for (let oy0 = 0; oy0 < oh; oy0 += r) {
			const nr = min(r, oh - oy0);
			fillBand(xc, 1, h, w, oy0 * sh, bandHeight(nr, kh, sh), pt, pl, sw, lr, bh, scratch);
			for (let i = 0; i < nr; i++) {
				const xr = scratch + <usize>(i * sh) * rs;
				const yr = yc + ((<usize>(oy0 + i) * <usize>ow) << 2);
				if (ow < 8) {
					tile8(xr, rs, ps, kh, kw, sw, wc, TMP, bv, act, al, be);
					memory.copy(yr, TMP, (<usize>ow) << 2);
					continue;
				}
				for (let ox = 0; ox < ow; ox += 8) {
					const q = (<usize>(ox + 8 <= ow ? ox : ow - 8)) << 2;
					tile8(xr + q, rs, ps, kh, kw, sw, wc, yr + q, bv, act, al, be);
				}
			}
		}
	}
}
