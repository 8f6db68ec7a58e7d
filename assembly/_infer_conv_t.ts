// ConvTranspose with stride == kernel, no padding, group 1: every input pixel
// owns its own kh x kw patch of output, so it is a GEMM with cout*kh*kw output
// rows r = (co*kh + ky)*kw + kx, scattered. Rows are packed in blocks of 4,
// [cin][4] each; for 2x2 a block is exactly one output channel.
// Products accumulate through f32x4.relaxed_madd, as in _infer_gemm_tile.ts (why there).

import { activate, actRow, biasOf, fused, post4, postRow, setEpilogue } from "./_infer_conv_act";

export function transposePackedBytes(cin: i32, cout: i32, kh: i32, kw: i32): i32 {
	return ((cout * kh * kw + 3) >> 2) * cin * 16;
}

/** src ONNX [cin][cout][kh][kw]. */
export function transposePack(src: usize, dst: usize, cin: i32, cout: i32, kh: i32, kw: i32): void {
	const rows = cout * kh * kw;
	const blocks = (rows + 3) >> 2;
	for (let b = 0; b < blocks; b++) {
		for (let ci = 0; ci < cin; ci++) {
			for (let j = 0; j < 4; j++) {
				const r = b * 4 + j;
				const v: f32 = r < rows ? load<f32>(src + ((<usize>(ci * rows + r)) << 2)) : 0.0;
				store<f32>(dst + ((<usize>((b * cin + ci) * 4 + j)) << 2), v);
			}
		}
	}
}

/** 2x2: 8 input pixels of one row times one channel's 4 taps, stored as two
 * output rows of 16 floats, the taps interleaved with the pixels. */
function tile2x2(x: usize, xs: usize, cin: i32, w: usize, y: usize, ys: usize, bv: v128, form: i32): void {
	let a0 = f32x4.splat(0.0);
	let a1 = a0;
	let a2 = a0;
	let a3 = a0;
	let a4 = a0;
	let a5 = a0;
	let a6 = a0;
	let a7 = a0;
	for (let i = 0; i < cin; i++) {
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
	a0 = fused(f32x4.add(a0, bv), form);
	a1 = fused(f32x4.add(a1, bv), form);
	a2 = fused(f32x4.add(a2, bv), form);
	a3 = fused(f32x4.add(a3, bv), form);
	a4 = fused(f32x4.add(a4, bv), form);
	a5 = fused(f32x4.add(a5, bv), form);
	a6 = fused(f32x4.add(a6, bv), form);
	a7 = fused(f32x4.add(a7, bv), form);
	v128.store(y, v128.shuffle<f32>(a0, a2, 0, 4, 1, 5));
	v128.store(y, v128.shuffle<f32>(a0, a2, 2, 6, 3, 7), 16);
	v128.store(y, v128.shuffle<f32>(a1, a3, 0, 4, 1, 5), 32);
	v128.store(y, v128.shuffle<f32>(a1, a3, 2, 6, 3, 7), 48);
	y += ys;
	v128.store(y, v128.shuffle<f32>(a4, a6, 0, 4, 1, 5));
	v128.store(y, v128.shuffle<f32>(a4, a6, 2, 6, 3, 7), 16);
	v128.store(y, v128.shuffle<f32>(a5, a7, 0, 4, 1, 5), 32);
	v128.store(y, v128.shuffle<f32>(a5, a7, 2, 6, 3, 7), 48);
}

/** Any other kernel size, or rows narrower than a tile: one pixel at a time,
 * 4 output rows in the lanes. */
function transposeNarrow(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	kh: i32,
	kw: i32,
	act: i32,
	al: v128,
	be: v128,
): void {
	const rows = cout * kh * kw;
	const hw = h * w;
	const xs = (<usize>hw) << 2;
	const ow = w * kw;
	const oplane = <usize>(h * kh) * <usize>ow;
	for (let b = 0; b < rows; b += 4) {
		const wb = wp + <usize>(b >> 2) * ((<usize>cin) << 4);
		for (let p = 0; p < hw; p++) {
			let acc = f32x4.splat(0.0);
			let xq = x + ((<usize>p) << 2);
			let wq = wb;
			for (let i = 0; i < cin; i++) {
				acc = f32x4.relaxed_madd(v128.load(wq), v128.load32_splat(xq), acc);
				xq += xs;
				wq += 16;
			}
			const iy = p / w;
			const ix = p - iy * w;
			for (let j = 0; j < 4; j++) {
				const r = b + j;
				if (r >= rows) break;
				const co = r / (kh * kw);
				const t = r - co * kh * kw;
				const ky = t / kw;
				const kx = t - ky * kw;
				let v = v128.shuffle<f32>(acc, acc, 0, 0, 0, 0);
				if (j === 1) v = v128.shuffle<f32>(acc, acc, 1, 1, 1, 1);
				else if (j === 2) v = v128.shuffle<f32>(acc, acc, 2, 2, 2, 2);
				else if (j === 3) v = v128.shuffle<f32>(acc, acc, 3, 3, 3, 3);
				v = post4(activate(f32x4.add(v, biasOf(bias, co)), act, al, be));
				const o = <usize>co * oplane + <usize>(iy * kh + ky) * <usize>ow + <usize>(ix * kw + kx);
				store<f32>(y + (o << 2), f32x4.extract_lane(v, 0));
			}
		}
	}
}

export function convTranspose(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	kh: i32,
	kw: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	if (kh !== 2 || kw !== 2 || w < 8) {
		transposeNarrow(x, wp, bias, y, cin, h, w, cout, kh, kw, act, al, be);
		return;
	}
	const form = setEpilogue(act, alpha, beta);
	const late = act >= 4 ? act : 0;
	const xs = (<usize>(h * w)) << 2;
	const ow = (<usize>w) << 1;
	const ys = ow << 2;
	const oplane = ((<usize>h) << 1) * ow;
	const block = (<usize>cin) << 4;
	for (let co = 0; co < cout; co++) {
		const bv = biasOf(bias, co);
		const wb = wp + <usize>co * block;
		for (let iy = 0; iy < h; iy++) {
			const xr = x + ((<usize>(iy * w)) << 2);
			const yr = y + ((<usize>co * oplane + <usize>(iy << 1) * ow) << 2);
			for (let ix = 0; ix < w; ix += 8) {
				const q = ix + 8 <= w ? ix : w - 8;
				tile2x2(xr + ((<usize>q) << 2), xs, cin, wb, yr + ((<usize>q) << 3), ys, bv, form);
			}
			// Output rows 2iy and 2iy+1 are adjacent: one pass over both.
			actRow(yr, w << 2, late, al, be);
			postRow(yr, w << 2);
		}
	}
}
