// Integer GEMM of the int8 convolutions: acc[co][p] = sum_k q[k][p] * wq[co][k]
// - zp * sum_k wq[co][k] in exact i32 (the same integer as sum (q - zp) * wq),
// then y = f32(acc) * (scale * s[co]) + bias[co] and the activation.
// One i32x4.relaxed_dot_i8x16_i7x16_add_s does 16 multiply-adds and the
// accumulate. Its result is implementation-defined only when a lane of the
// second operand has its top bit set; the x panels are that operand and never
// do (_infer_q8_panels.ts), so every platform gives the same sums. On x64 with
// AVX-VNNI one instruction can do it (this machine has it). Measured in workerd against the i16 dot
// (i32x4.dot_i16x8_s) this kernel replaced: 7-bit codes 2.0-2.5x on the
// recogniser's conv shapes (bench/engine/q8.workerd.test.ts); split 8-bit
// codes a whole recogniser line 1.3x (bench/engine/ab.workerd.test.ts).
// - x panels: 8 pixels x K4 quads (32 bytes each), low 7 bits; for 8-bit
//   codes, taken less their row's smallest code in the chunk, also the high
//   panels (1 where the rest is 128 or more), per panel the list of quad
//   blocks with such a half (4 pixels), and the row offsets, whose share
//   (sum_k c[k] * wq[co][k]) the epilogue adds back;
// - weights (packed at load, _infer_q8.ts): blocks of 4 channels, each quad
//   4 x [k0..k3] s8 (16 bytes).
// A tile (_infer_q8_tile.ts) keeps 4 channels x 8 pixels of i32 accumulators
// and stores them raw into y; one pass per finished row then dequantizes and
// activates them.

import { biasVec } from "./_infer_conv_1x1";
import { activate, actRow, biasOf, post4, postActive, postRow, postScale, postShift } from "./_infer_conv_act";
import { listBytes, offsetsAt, panelBytes } from "./_infer_q8_panels";
import { Dot, tile } from "./_infer_q8_tile";

/**
 * One channel's row of n raw i32 sums at y, in place: f32(acc - off) * sc + bias,
 * then activation `act`. Codes 1-3 on pmin/pmax (one instruction each, where
 * min/max take several for their NaN and signed-zero rules; the results differ
 * only in the sign of a zero); sigmoid and swish through the conv family's row pass.
 * Hard-swish rows with the post affine on (14 of the recogniser's 8-bit convs)
 * take it in the same pass, with the Affine op's multiply then add.
 */
function finishRow(y: usize, n: i32, sc: v128, bv: v128, off: v128, act: i32, al: v128, be: v128): void {
	const zero = f32x4.splat(0.0);
	const one = f32x4.splat(1.0);
	const end = y + ((<usize>n) << 2);
	const vend = y + ((<usize>(n & ~3)) << 2);
	let p = y;
	// Floats from `y` that the post affine has yet to see.
	let rest = y;
	if (act === 1) {
		for (; p < vend; p += 16) {
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(v128.load(p), off)), sc), bv);
			v128.store(p, f32x4.pmax(v, zero));
		}
	} else if (act === 3 && postActive()) {
		const pa = postScale();
		const pb = postShift();
		for (; p < vend; p += 16) {
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(v128.load(p), off)), sc), bv);
			const hs = f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), one), zero);
			v128.store(p, f32x4.add(f32x4.mul(f32x4.mul(v, hs), pa), pb));
		}
		rest = vend;
	} else if (act === 2 || act === 3) {
		for (; p < vend; p += 16) {
			const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(v128.load(p), off)), sc), bv);
			const hs = f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), one), zero);
			v128.store(p, act === 2 ? hs : f32x4.mul(v, hs));
		}
	} else {
		for (; p < vend; p += 16)
			v128.store(p, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(v128.load(p), off)), sc), bv));
	}
	for (; p < end; p += 4) {
		const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(v128.load32_splat(p), off)), sc), bv);
		store<f32>(p, f32x4.extract_lane(act > 3 ? v : activate(v, act, al, be), 0));
	}
	if (act > 3) actRow(y, n, act, al, be);
	postRow(rest, <i32>((end - rest) >> 2));
}

/**
 * Planes of fewer than 8 pixels (SE blocks on 1x1 maps): the 4 channels of a
 * weight block in the lanes, one pixel's quad splatted, so no lane is wasted.
 */
function narrow(
	xb: usize,
	hb: usize,
	offs: usize,
	k4: i32,
	p: i32,
	ys: usize,
	w: usize,
	ws: usize,
	sums: usize,
	zp: i32,
	cout: i32,
	sc: v128,
	bias: usize,
	y: usize,
	act: i32,
	al: v128,
	be: v128,
): void {
	const wbytes = (<usize>k4) << 4;
	for (let co = 0; co < cout; co += 4) {
		const wb = w + <usize>(co >> 2) * wbytes;
		const off = blockOffset(offs, wb, sums, co, zp, k4);
		const nco = min(4, cout - co);
		const scv = f32x4.mul(sc, v128.load(ws + ((<usize>co) << 2)));
		const bv = biasVec(bias, co, nco);
		for (let l = 0; l < p; l++) {
			let a0 = i32x4.splat(0);
			let a1 = a0;
			const at = (<usize>l) << 2;
			let wq = wb;
			for (let i = 0; i < k4; i++) {
				const q = at + ((<usize>i) << 5);
				const wv = v128.load(wq);
				a0 = Dot.add(wv, v128.load32_splat(xb + q), a0);
				if (hb !== 0) {
					const h = v128.load32_splat(hb + q);
					a1 = Dot.add(wv, h, a1);
				}
				wq += 16;
			}
			const acc = i32x4.sub(i32x4.add(a0, i32x4.shl(a1, 7)), off);
			const r = post4(activate(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc), scv), bv), act, al, be));
			const yq = y + <usize>co * ys + ((<usize>l) << 2);
			store<f32>(yq, f32x4.extract_lane(r, 0));
			if (nco > 1) store<f32>(yq + ys, f32x4.extract_lane(r, 1));
			if (nco > 2) store<f32>(yq + 2 * ys, f32x4.extract_lane(r, 2));
			if (nco > 3) store<f32>(yq + 3 * ys, f32x4.extract_lane(r, 3));
		}
	}
}

/**
 * Per channel of the weight block at w (channels co..co+3), what its raw sums
 * lack: zp * sum_k w[k] less sum_k c[k] * w[k] of the row offsets c the x
 * panels were taken less (packPanels; their low 7 bits and, as a 0/1 dot
 * times 128, their top bit). Without offsets (7-bit codes) the first term alone.
 */
export function blockOffset(offs: usize, w: usize, sums: usize, co: i32, zp: i32, k4: i32): v128 {
	const zero = i32x4.mul(i32x4.splat(zp), v128.load(sums + ((<usize>co) << 2)));
	if (offs === 0) return zero;
	let lo = i32x4.splat(0);
	let hi = lo;
	const low7 = i8x16.splat(127);
	for (let i = 0; i < k4; i++) {
		const wv = v128.load(w + ((<usize>i) << 4));
		const c = v128.load32_splat(offs + ((<usize>i) << 2));
		lo = Dot.add(wv, v128.and(c, low7), lo);
		hi = Dot.add(wv, i8x16.shr_u(c, 7), hi);
	}
	return i32x4.sub(zero, i32x4.add(lo, i32x4.shl(hi, 7)));
}

/** Panels per chunk: about 64 KiB of low panels, at least 16 (128 pixels). */
export function chunkPanels(k4: i32): i32 {
	return max(16, 65536 / (k4 << 5));
}

/**
 * n pixels of y [cout][.] (rows `ys` bytes apart, y at the chunk's first
 * pixel) from the chunk's operand `xb` (packPanels with `bits`), packed
 * weights `w` with channel scales at `ws` and code sums at `sums`, and the
 * input's scale and zero point.
 */
export function gemm8(
	xb: usize,
	bits: i32,
	k4: i32,
	n: i32,
	ys: usize,
	w: usize,
	ws: usize,
	sums: usize,
	cout: i32,
	scale: f32,
	zp: i32,
	bias: usize,
	y: usize,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const sc = f32x4.splat(scale);
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	const hb = bits === 8 ? xb + <usize>panelBytes(k4 << 2, n) : 0;
	const lists = hb + <usize>panelBytes(k4 << 2, n);
	const lbytes = <usize>listBytes(k4 << 2);
	const offs = bits === 8 ? xb + <usize>offsetsAt(k4 << 2, n) : 0;
	if (n < 8) {
		narrow(xb, hb, offs, k4, n, ys, w, ws, sums, zp, cout, sc, bias, y, act, al, be);
		return;
	}
	const npan = (n + 7) >> 3;
	const pbytes = (<usize>k4) << 5;
	const wbytes = (<usize>k4) << 4;
	for (let co = 0; co < cout; co += 4) {
		const nco = min(4, cout - co);
		const wb = w + <usize>(co >> 2) * wbytes;
		const yb = y + <usize>co * ys;
		for (let pan = 0; pan < npan; pan++) {
			const p0 = pan << 3;
			const x = xb + <usize>pan * pbytes;
			const h = hb !== 0 ? hb + <usize>pan * pbytes : 0;
			tile(x, h, lists + <usize>pan * lbytes, wb, k4, yb + ((<usize>p0) << 2), ys, min(8, n - p0), nco);
		}
		const offv = blockOffset(offs, wb, sums, co, zp, k4);
		// Dequantization, bias and activation as one pass over the rows just written
		// (still in cache), the activation chosen once per row rather than per vector.
		for (let j = 0; j < nco; j++) {
			const c = co + j;
			const scj = f32x4.mul(sc, v128.load32_splat(ws + ((<usize>c) << 2)));
			const off = Dot.lane(offv, j);
			finishRow(yb + <usize>j * ys, n, scj, biasOf(bias, c), off, act, al, be);
		}
	}
}
