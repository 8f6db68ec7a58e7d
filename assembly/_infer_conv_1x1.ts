// 1x1 stride-1 convolution as a GEMM over the flattened plane:
// y[co][p] = act(bias[co] + sum_k w[co][k] x[k][p]). Weights are packed in
// blocks of 4 output channels, [k][4] each, so one v128 load feeds 4 channels.
// Products accumulate through f32x4.relaxed_madd, as in _infer_gemm_tile.ts (why there).

import { activate, actRow, biasOf, fused, post4, postRow, setEpilogue } from "./_infer_conv_act";

/** Stores a + bias and b + bias, fused activation `form` applied: 8
 * consecutive outputs. */
export function store8(y: usize, a: v128, b: v128, bias: v128, form: i32): void {
	v128.store(y, fused(f32x4.add(a, bias), form));
	v128.store(y, fused(f32x4.add(b, bias), form), 16);
}

/** Bias of channels co..co+3 as one vector; lanes past `n` stay zero. */
export function biasVec(bias: usize, co: i32, n: i32): v128 {
	if (bias === 0) return f32x4.splat(0.0);
	const p = bias + ((<usize>co) << 2);
	if (n >= 4) return v128.load(p);
	let v = f32x4.splat(0.0);
	v = f32x4.replace_lane(v, 0, load<f32>(p));
	if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
	if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
	return v;
}

/** 4 output channels x 8 pixels over k input rows `xs` bytes apart. Only the
 * first `nco` channels are stored (the packed block is zero-padded). */
function tile(
	x: usize,
	xs: usize,
	k: i32,
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
	for (let i = 0; i < k; i++) {
		const x0 = v128.load(x);
		const x1 = v128.load(x, 16);
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
		x += xs;
		w += 16;
	}
	store8(y, a0, a1, biasOf(bias, co), form);
	if (nco > 1) store8(y + ys, a2, a3, biasOf(bias, co + 1), form);
	if (nco > 2) store8(y + 2 * ys, a4, a5, biasOf(bias, co + 2), form);
	if (nco > 3) store8(y + 3 * ys, a6, a7, biasOf(bias, co + 3), form);
}

/** Planes of fewer than 8 pixels (SE blocks on 1x1 maps): one pixel at a
 * time, the 4 channels of a block in the lanes. */
function narrow(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	cin: i32,
	hw: i32,
	cout: i32,
	act: i32,
	al: v128,
	be: v128,
): void {
	const xs = (<usize>hw) << 2;
	const wstride = (<usize>cin) << 4;
	for (let co = 0; co < cout; co += 4) {
		const nco = min(4, cout - co);
		const wb = wp + <usize>(co >> 2) * wstride;
		const bv = biasVec(bias, co, nco);
		for (let p = 0; p < hw; p++) {
			let acc = bv;
			let xq = x + ((<usize>p) << 2);
			let wq = wb;
			for (let i = 0; i < cin; i++) {
				acc = f32x4.relaxed_madd(v128.load(wq), v128.load32_splat(xq), acc);
				xq += xs;
				wq += 16;
			}
			acc = post4(activate(acc, act, al, be));
			const yq = y + ((<usize>co * <usize>hw + <usize>p) << 2);
			store<f32>(yq, f32x4.extract_lane(acc, 0));
			if (nco > 1) store<f32>(yq + xs, f32x4.extract_lane(acc, 1));
			if (nco > 2) store<f32>(yq + 2 * xs, f32x4.extract_lane(acc, 2));
			if (nco > 3) store<f32>(yq + 3 * xs, f32x4.extract_lane(acc, 3));
		}
	}
}

/** Pixels per block: about 128 KiB of x, so every channel block after the
 * first reads them from cache rather than memory. */
function blockPixels(cin: i32): i32 {
	return max(8, (32768 / cin) & ~7);
}

/** Planes at least this wide have rows a page or more apart: a tile's loads
 * would touch cin pages, so a block of x is first copied tile by tile. */
const PACK_PIXELS: i32 = 1024;

/** Scratch of pointwise: one block of x laid out [tile][k][8]. */
export function pointwiseScratch(cin: i32, hw: i32): i32 {
	return hw >= PACK_PIXELS ? cin * (blockPixels(cin) + 16) * 4 : 0;
}

/** Copies the tiles of pixels p0..p1 (the last at hw - 8) as [tile][k][8]. */
function packBlock(x: usize, xs: usize, cin: i32, hw: i32, p0: i32, p1: i32, dst: usize): void {
	for (let p = p0; p < p1; p += 8) {
		let src = x + ((<usize>(p + 8 <= hw ? p : hw - 8)) << 2);
		for (let k = 0; k < cin; k++) {
			v128.store(dst, v128.load(src));
			v128.store(dst, v128.load(src, 16), 16);
			src += xs;
			dst += 32;
		}
	}
}

/** y [cout][hw] = act(W [cout][cin] . x [cin][hw] + bias), W packed;
 * scratch: pointwiseScratch bytes (0 when that is 0). */
export function pointwise(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	scratch: usize,
	cin: i32,
	hw: i32,
	cout: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	if (hw < 8) {
		narrow(x, wp, bias, y, cin, hw, cout, act, al, be);
		return;
	}
	const xs = (<usize>hw) << 2;
	const wstride = (<usize>cin) << 4;
	const form = setEpilogue(act, alpha, beta);
	const late = act >= 4 ? act : 0;
	const pb = blockPixels(cin);
	const packed = scratch !== 0 && hw >= PACK_PIXELS;
	const tileBytes = (<usize>cin) << 5;
	for (let p0 = 0; p0 < hw; p0 += pb) {
		// A last block shorter than a tile joins the one before it, so the
		// overlapping last tile never rewrites a finished block.
		const p1 = hw - (p0 + pb) < 8 ? hw : p0 + pb;
		if (packed) packBlock(x, xs, cin, hw, p0, p1, scratch);
		for (let co = 0; co < cout; co += 4) {
			const nco = min(4, cout - co);
			const wb = wp + <usize>(co >> 2) * wstride;
			const yb = y + <usize>co * xs;
			for (let p = p0; p < p1; p += 8) {
				// The last tile of a plane overlaps the previous one instead of
				// running past the end of x and y.
				const q = (<usize>(p + 8 <= hw ? p : hw - 8)) << 2;
				if (packed) tile(scratch + <usize>((p - p0) >> 3) * tileBytes, 32, cin, wb, yb + q, xs, nco, bias, co, form);
				else tile(x + q, xs, cin, wb, yb + q, xs, nco, bias, co, form);
			}
			for (let j = 0; j < nco; j++) {
				actRow(yb + <usize>j * xs + ((<usize>p0) << 2), p1 - p0, late, al, be);
				postRow(yb + <usize>j * xs + ((<usize>p0) << 2), p1 - p0);
			}
		}
		if (p1 === hw) break;
	}
}
