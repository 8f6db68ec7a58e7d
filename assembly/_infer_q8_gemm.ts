// Integer GEMM of the int8 convolutions: acc[co][p] = sum_k (q[k][p] - zp) * wq[co][k]
// in exact i32, then y = f32(acc) * (scale * s[co]) + bias[co] and the activation.
// Both operands are widened to i16 once, in pairs of consecutive k, so that
// one i32x4.dot_i16x8_s does 8 multiply-adds:
// - x panels (scratch, _infer_q8_panels.ts): 8 pixels x K2 pairs, each pair 8 x [k even, k odd];
// - weights (packed at load): blocks of 4 channels, each pair 4 x [k even, k odd] (16 bytes).
// A tile keeps 4 channels x 8 pixels of i32 accumulators and stores them raw
// into y; one pass per finished row then dequantizes and activates them (a
// lighter tile ran faster than any epilogue fused into it).

import { biasVec } from "./_infer_conv_1x1";
import { activate, actRow, biasOf } from "./_infer_conv_act";

/** One weight i16 pair of 4 channels: lanes 2j, 2j+1 of channel j. */

function pairOf(wv: v128, j: i32): v128 {
	if (j === 0) return v128.shuffle<i32>(wv, wv, 0, 0, 0, 0);
	if (j === 1) return v128.shuffle<i32>(wv, wv, 1, 1, 1, 1);
	if (j === 2) return v128.shuffle<i32>(wv, wv, 2, 2, 2, 2);
	return v128.shuffle<i32>(wv, wv, 3, 3, 3, 3);
}

/** Stores the first n (1..8) of the 8 lanes of u, v. */
function storeSome(y: usize, u: v128, v: v128, n: i32): void {
	if (n === 8) {
		v128.store(y, u);
		v128.store(y, v, 16);
		return;
	}
	if (n >= 4) {
		v128.store(y, u);
		y += 16;
		u = v;
		n -= 4;
	}
	if (n > 0) store<f32>(y, f32x4.extract_lane(u, 0));
	if (n > 1) store<f32>(y, f32x4.extract_lane(u, 1), 4);
	if (n > 2) store<f32>(y, f32x4.extract_lane(u, 2), 8);
}

/**
 * One channel's row of n raw i32 sums at y, in place: f32(acc) * sc + bias,
 * then activation `act`. Codes 1-3 on pmin/pmax (one instruction each, where
 * min/max take several for their NaN and signed-zero rules; the results differ
 * only in the sign of a zero); sigmoid and swish through the conv family's row pass.
 */
function finishRow(y: usize, n: i32, sc: v128, bv: v128, act: i32, al: v128, be: v128): void {
	const zero = f32x4.splat(0.0);
	const one = f32x4.splat(1.0);
	const end = y + ((<usize>n) << 2);
	const vend = y + ((<usize>(n & ~3)) << 2);
	let p = y;
	if (act === 1) {
		for (; p < vend; p += 16) {
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v128.load(p)), sc), bv);
			v128.store(p, f32x4.pmax(v, zero));
		}
	} else if (act === 2 || act === 3) {
		for (; p < vend; p += 16) {
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v128.load(p)), sc), bv);
			const hs = f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), one), zero);
			v128.store(p, act === 2 ? hs : f32x4.mul(v, hs));
		}
	} else {
		for (; p < vend; p += 16) v128.store(p, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v128.load(p)), sc), bv));
	}
	for (; p < end; p += 4) {
		const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v128.load32_splat(p)), sc), bv);
		store<f32>(p, f32x4.extract_lane(act > 3 ? v : activate(v, act, al, be), 0));
	}
	if (act > 3) actRow(y, n, act, al, be);
}

/** 4 channels (nco stored) x 8 pixels (n stored) of output. */
function tile(x: usize, w: usize, k2: i32, y: usize, ys: usize, n: i32, nco: i32): void {
	let a0 = i32x4.splat(0);
	let a1 = a0;
	let a2 = a0;
	let a3 = a0;
	let a4 = a0;
	let a5 = a0;
	let a6 = a0;
	let a7 = a0;
	for (let i = 0; i < k2; i++) {
		const x0 = v128.load(x);
		const x1 = v128.load(x, 16);
		const wv = v128.load(w);
		let s = pairOf(wv, 0);
		a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, s));
		a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x1, s));
		s = pairOf(wv, 1);
		a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x0, s));
		a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x1, s));
		s = pairOf(wv, 2);
		a4 = i32x4.add(a4, i32x4.dot_i16x8_s(x0, s));
		a5 = i32x4.add(a5, i32x4.dot_i16x8_s(x1, s));
		s = pairOf(wv, 3);
		a6 = i32x4.add(a6, i32x4.dot_i16x8_s(x0, s));
		a7 = i32x4.add(a7, i32x4.dot_i16x8_s(x1, s));
		x += 32;
		w += 16;
	}
	// Raw sums; finishRow dequantizes them once the rows are complete.
	storeSome(y, a0, a1, n);
	if (nco > 1) storeSome(y + ys, a2, a3, n);
	if (nco > 2) storeSome(y + 2 * ys, a4, a5, n);
	if (nco > 3) storeSome(y + 3 * ys, a6, a7, n);
}

/**
 * Planes of fewer than 8 pixels (SE blocks on 1x1 maps): the 4 channels of a
 * weight block in the lanes, one pixel's k pair splatted, so no lane is wasted.
 */
function narrow(
	xb: usize,
	k2: i32,
	p: i32,
	ys: usize,
	w: usize,
	ws: usize,
	cout: i32,
	sc: v128,
	bias: usize,
	y: usize,
	act: i32,
	al: v128,
	be: v128,
): void {
	const wbytes = (<usize>k2) << 4;
	for (let l = 0; l < p; l++) {
		for (let co = 0; co < cout; co += 4) {
			let a0 = i32x4.splat(0);
			let a1 = a0;
			let xq = xb + ((<usize>l) << 2);
			let wq = w + <usize>(co >> 2) * wbytes;
			let i = 0;
			// Two accumulators: consecutive dots do not wait on each other.
			for (; i + 2 <= k2; i += 2) {
				a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(wq), v128.load32_splat(xq)));
				a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load(wq, 16), v128.load32_splat(xq, 32)));
				xq += 64;
				wq += 32;
			}
			if (i < k2) a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(wq), v128.load32_splat(xq)));
			const nco = min(4, cout - co);
			const scv = f32x4.mul(sc, v128.load(ws + ((<usize>co) << 2)));
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.add(a0, a1)), scv), biasVec(bias, co, nco));
			const r = activate(v, act, al, be);
			const yq = y + <usize>co * ys + ((<usize>l) << 2);
			store<f32>(yq, f32x4.extract_lane(r, 0));
			if (nco > 1) store<f32>(yq + ys, f32x4.extract_lane(r, 1));
			if (nco > 2) store<f32>(yq + 2 * ys, f32x4.extract_lane(r, 2));
			if (nco > 3) store<f32>(yq + 3 * ys, f32x4.extract_lane(r, 3));
		}
	}
}

/** Panels per chunk of the GEMM: about 64 KiB of x, packed just before it is
 * used and read from cache by every channel block after the first; at least
 * 16 (128 pixels), so that long-K chunks still amortize the im2col's per-row
 * calls and the weights' trip through the cache. */
export function chunkPanels(k2: i32): i32 {
	return max(16, 65536 / (k2 << 5));
}

/**
 * n pixels of y [cout][.] (rows `ys` bytes apart, y at the chunk's first pixel)
 * from the chunk's x panels `xb` (K2 pairs) and packed weights `w` (channel
 * scales at `ws`), activation scale `scale`.
 */
export function gemm8(
	xb: usize,
	k2: i32,
	n: i32,
	ys: usize,
	w: usize,
	ws: usize,
	cout: i32,
	scale: f32,
	bias: usize,
	y: usize,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const sc = f32x4.splat(scale);
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	if (n < 8) {
		narrow(xb, k2, n, ys, w, ws, cout, sc, bias, y, act, al, be);
		return;
	}
	const npan = (n + 7) >> 3;
	const pbytes = (<usize>k2) << 5;
	const wbytes = (<usize>k2) << 4;
	for (let co = 0; co < cout; co += 4) {
		const nco = min(4, cout - co);
		const wb = w + <usize>(co >> 2) * wbytes;
		const yb = y + <usize>co * ys;
		for (let pan = 0; pan < npan; pan++) {
			const p0 = pan << 3;
			tile(xb + <usize>pan * pbytes, wb, k2, yb + ((<usize>p0) << 2), ys, min(8, n - p0), nco);
		}
		// Dequantization, bias and activation as one pass over the rows just written
		// (still in cache), the activation chosen once per row rather than per vector.
		for (let j = 0; j < nco; j++) {
			const c = co + j;
			const scj = f32x4.mul(sc, v128.load32_splat(ws + ((<usize>c) << 2)));
			finishRow(yb + <usize>j * ys, n, scj, biasOf(bias, c), act, al, be);
		}
	}
}
