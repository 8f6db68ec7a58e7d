// Depthwise convolution (group == cin == cout): each channel filtered by its
// own kh x kw taps, over a band of padded phase-split rows of that channel.
// Weights are packed pre-splatted, [c][kh*kw][4], so a tap is one v128 load.

import { store8 } from "./_infer_conv_1x1";
import { actRow, biasOf, fused, postRow, setEpilogue } from "./_infer_conv_act";
import { bandHeight, bandRows, fillBand, phaseLen } from "./_infer_conv_band";
import { row3x3, rows3x3Pair } from "./_infer_conv_dw3";
import { dw3Direct, dw3Plane } from "./_infer_conv_dw3_direct";
import { row5x5s1, row5x5s2 } from "./_infer_conv_dw5";
import { dw5Direct, dw5Plane } from "./_infer_conv_dw5_direct";
import { rows5x5s1Pair } from "./_infer_conv_dw5_pair";

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
	form: i32,
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
	store8(y, a0, a1, bv, form);
}

/** Stores v + bias at y, fused activation applied. */
export function put(y: usize, v: v128, bv: v128, form: i32): void {
	v128.store(y, fused(f32x4.add(v, bv), form));
}

/** One output row in 16-column tiles (8 for rows of 8-15 columns), any taps:
 * per tap 4 vectors of x and one pre-splatted weight. */
function row16(
	xr: usize,
	rs: usize,
	ps: usize,
	kh: i32,
	kw: i32,
	sw: i32,
	wc: usize,
	yr: usize,
	ow: i32,
	bv: v128,
	form: i32,
): void {
	if (ow < 16) {
		for (let ox = 0; ox < ow; ox += 8) {
			const q = (<usize>(ox + 8 <= ow ? ox : ow - 8)) << 2;
			tile8(xr + q, rs, ps, kh, kw, sw, wc, yr + q, bv, form);
		}
		return;
	}
	for (let ox = 0; ox < ow; ox += 16) {
		const q = (<usize>(ox + 16 <= ow ? ox : ow - 16)) << 2;
		let a0 = f32x4.splat(0.0);
		let a1 = a0;
		let a2 = a0;
		let a3 = a0;
		let xb = xr + q;
		let w = wc;
		for (let ky = 0; ky < kh; ky++) {
			let ph: i32 = 0;
			let off: usize = 0;
			for (let kx = 0; kx < kw; kx++) {
				const p = xb + <usize>ph * ps + off;
				const wv = v128.load(w);
				a0 = f32x4.add(a0, f32x4.mul(v128.load(p), wv));
				a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), wv));
				a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), wv));
				a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), wv));
				w += 16;
				if (++ph === sw) {
					ph = 0;
					off += 4;
				}
			}
			xb += rs;
		}
		const yq = yr + q;
		put(yq, a0, bv, form);
		put(yq + 16, a1, bv, form);
		put(yq + 32, a2, bv, form);
		put(yq + 48, a3, bv, form);
	}
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
	const form = setEpilogue(act, alpha, beta);
	const late = act >= 4 ? act : 0;
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
	const o1: usize = sw === 1 ? 4 : ps;
	const o2: usize = sw === 1 ? 8 : 4;
	const pairs = kh === 3 && kw === 3 && sh === 1 && sw <= 2 && ow >= 8;
	const pairs5 = kh === 5 && kw === 5 && sh === 1 && sw === 1 && ow >= 16;
	const direct = dw5Direct(kh, kw, sh, sw, pt, pl, pb, pr, h, w, bandHeight(r, kh, sh) * lr);
	const direct3 = dw3Direct(kh, kw, sh, sw, pt, pl, pb, pr, h, w, lr, bandHeight(r, kh, sh) * lr);
	for (let ch = 0; ch < c; ch++) {
		const xc = x + <usize>ch * plane;
		const wc = wp + <usize>ch * taps;
		const yc = y + <usize>ch * oplane;
		const bv = biasOf(bias, ch);
		if (direct) {
			dw5Plane(xc, wc, yc, scratch, h, w, oh, pt, pb, bv, form, late, al, be);
			continue;
		}
		if (direct3) {
			dw3Plane(xc, wc, yc, scratch, h, w, lr, bv, form, late, al, be);
			continue;
		}
		for (let oy0 = 0; oy0 < oh; oy0 += r) {
			const nr = min(r, oh - oy0);
			fillBand(xc, 1, h, w, oy0 * sh, bandHeight(nr, kh, sh), pt, pl, sw, lr, bh, scratch);
			for (let i = 0; i < nr; i++) {
				const xr = scratch + <usize>(i * sh) * rs;
				const yr = yc + ((<usize>(oy0 + i) * <usize>ow) << 2);
				if (pairs && i + 1 < nr) {
					rows3x3Pair(xr, rs, o1, o2, wc, yr, (<usize>ow) << 2, ow, bv, form);
					actRow(yr, ow << 1, late, al, be);
					postRow(yr, ow << 1);
					i++;
					continue;
				}
				const oy = oy0 + i;
				// Kernel rows of this output row that fall inside the image (the rest read the band's zero padding).
				const ky0 = max(0, pt - oy * sh);
				const ky1 = min(kh, h + pt - oy * sh);
				if (pairs5 && i + 1 < nr && ky0 === 0 && h + pt - (oy + 1) * sh >= kh) {
					rows5x5s1Pair(xr, rs, wc, yr, (<usize>ow) << 2, ow, bv, form);
					actRow(yr, ow << 1, late, al, be);
					postRow(yr, ow << 1);
					i++;
					continue;
				}
				if (ow < 8) {
					tile8(xr, rs, ps, kh, kw, sw, wc, TMP, bv, form);
					memory.copy(yr, TMP, (<usize>ow) << 2);
				} else if (kh === 3 && kw === 3 && ow >= 16 && sw <= 2) {
					row3x3(xr, rs, o1, o2, wc, yr, ow, bv, form);
				} else if (kh === 5 && kw === 5 && ow >= 16 && sw === 1) {
					row5x5s1(xr, rs, wc, yr, ow, bv, form, ky0, ky1);
				} else if (kh === 5 && kw === 5 && ow >= 16 && sw === 2) {
					row5x5s2(xr, rs, ps, wc, yr, ow, bv, form);
				} else {
					row16(xr, rs, ps, kh, kw, sw, wc, yr, ow, bv, form);
				}
				actRow(yr, ow, late, al, be);
				postRow(yr, ow);
			}
		}
	}
}
