// Int8 GEMM for constant weights: C = act(A . B + bias) with A quantized per
// call as ONNX DynamicQuantizeLinear does (one scale and zero point for the
// tensor, u8 range) and B to s8 per output column (symmetric, scale =
// max|w| / 127) once at load.
//
// The multiply is i32x4.dot_i16x8_s on pairs of k: a register holds one
// row's (a[k], a[k+1]) splatted over four i32 lanes, B's 16-byte block holds
// (w[k][c], w[k+1][c]) for 8 columns c, widened to two i16x8 halves, so one
// dot gives 4 columns' sums over the pair. A is stored already widened and
// with its zero point subtracted (q - zp as i16, -255..255): its pair is one
// splat load, no widening and no zero-point correction in the loop, and
// products and pair sums stay far inside i32. A tile is 4 rows x 8 columns
// (eight i32x4 accumulators); the epilogue converts, scales by
// scale_a * scale_b[c], adds the bias and applies the activation before the
// only store.
//
// Packed B: [Np] f32 column scales, then per panel of 8 columns Kp/2 blocks
// of 16 bytes (column 0's w[2t], w[2t+1], column 1's, ...), Np = N rounded
// up to 8, Kp = K rounded up to 8, padding zero.
// Quantized A (quantizeRows in _infer_quantize.ts): a 16-byte header (f32
// scale, i32 zero point, 8 bytes 0) then M rows of Kp i16 (padding 0).

import { padK, padN } from "./_infer_gemm_int8_pack";
import { Act } from "./_infer_ops_act";

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Quant {
	/** Dequantize, bias, activation, store of one row's 8 (or the last `cols`) outputs. */
	@inline
	static finish(
		acc0: v128,
		acc1: v128,
		sc0: v128,
		sc1: v128,
		bi0: v128,
		bi1: v128,
		p: usize,
		cols: i32,
		act: i32,
		al: v128,
		be: v128,
	): void {
		const v0 = Act.act4(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc0), sc0), bi0), act, al, be);
		const v1 = Act.act4(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(acc1), sc1), bi1), act, al, be);
		if (cols === 8) {
			v128.store(p, v0);
			v128.store(p, v1, 16);
			return;
		}
		Quant.storePart(p, v0, cols);
		Quant.storePart(p + 16, v1, cols - 4);
	}

	@inline
	static storePart(p: usize, v: v128, n: i32): void {
		if (n >= 4) {
			v128.store(p, v);
			return;
		}
		if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
		if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
		if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
	}

	/** Up to 4 floats (zero beyond n), without reading past. */
	@inline
	static loadPart(p: usize, n: i32): v128 {
		if (n >= 4) return v128.load(p);
		let v = f32x4.splat(0);
		if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
		if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
		if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
		return v;
	}
}

/** C [M][N] = act(scale_a * scale_b . (qa . B) + bias) with qa from
 * quantizeRows and B from gemmInt8Pack; bias 0 = none, else [N]. */
export function gemmInt8(
	qa: usize,
	bp: usize,
	bias: usize,
	c: usize,
	M: i32,
	K: i32,
	N: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const Np = padN(N);
	const Kp = padK(K);
	const lda = (<usize>Kp) << 1;
	const vsa = f32x4.splat(load<f32>(qa));
	const rows = qa + 16;
	const wts = bp + ((<usize>Np) << 2);
	const ldc = (<usize>N) << 2;
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	// Rows in chunks whose quantized A (about 24 KiB) stays in L1 while every
	// panel of B passes by; the panels themselves come from L2.
	const chunk = max(4, (24576 / (Kp * 2)) & ~3);
	for (let i0 = 0; i0 < M; i0 += chunk) {
		const i1 = min(M, i0 + chunk);
		for (let j = 0; j < N; j += 8) {
			gemmInt8Panel(rows, lda, wts, bp, bias, c, ldc, i0, i1, j, N, Kp, vsa, act, al, be);
		}
	}
}

// Rows i0..i1 of the 8-column panel at column j.
function gemmInt8Panel(
	rows: usize,
	lda: usize,
	wts: usize,
	bp: usize,
	bias: usize,
	c: usize,
	ldc: usize,
	i0: i32,
	i1: i32,
	j: i32,
	N: i32,
	Kp: i32,
	vsa: v128,
	act: i32,
	al: v128,
	be: v128,
): void {
	{
		const cols = min(8, N - j);
		const sc0 = f32x4.mul(v128.load(bp + ((<usize>j) << 2)), vsa);
		const sc1 = f32x4.mul(v128.load(bp + ((<usize>j) << 2), 16), vsa);
		let bi0 = f32x4.splat(0);
		let bi1 = bi0;
		if (bias !== 0) {
			bi0 = Quant.loadPart(bias + ((<usize>j) << 2), cols);
			if (cols > 4) bi1 = Quant.loadPart(bias + ((<usize>j) << 2) + 16, cols - 4);
		}
		const panel = wts + <usize>(j >> 3) * <usize>Kp * 8;
		const pairs = Kp >> 1;
		for (let i = i0; i < i1; i += 4) {
			const n = min(4, i1 - i);
			let q0 = rows + <usize>i * lda;
			let q1 = n > 1 ? q0 + lda : q0;
			let q2 = n > 2 ? q1 + lda : q1;
			let q3 = n > 3 ? q2 + lda : q2;
			let pb = panel;
			let c00 = i32x4.splat(0);
			let c01 = c00;
			let c10 = c00;
			let c11 = c00;
			let c20 = c00;
			let c21 = c00;
			let c30 = c00;
			let c31 = c00;
			// Kp is a multiple of 8: the pairs come in fours, two per step here.
			for (let t = 0; t < pairs; t += 2) {
				let bv = v128.load(pb);
				let b0 = i16x8.extend_low_i8x16_s(bv);
				let b1 = i16x8.extend_high_i8x16_s(bv);
				let s = v128.load32_splat(q0);
				c00 = i32x4.add(c00, i32x4.dot_i16x8_s(s, b0));
				c01 = i32x4.add(c01, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q1);
				c10 = i32x4.add(c10, i32x4.dot_i16x8_s(s, b0));
				c11 = i32x4.add(c11, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q2);
				c20 = i32x4.add(c20, i32x4.dot_i16x8_s(s, b0));
				c21 = i32x4.add(c21, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q3);
				c30 = i32x4.add(c30, i32x4.dot_i16x8_s(s, b0));
				c31 = i32x4.add(c31, i32x4.dot_i16x8_s(s, b1));
				bv = v128.load(pb, 16);
				b0 = i16x8.extend_low_i8x16_s(bv);
				b1 = i16x8.extend_high_i8x16_s(bv);
				s = v128.load32_splat(q0, 4);
				c00 = i32x4.add(c00, i32x4.dot_i16x8_s(s, b0));
				c01 = i32x4.add(c01, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q1, 4);
				c10 = i32x4.add(c10, i32x4.dot_i16x8_s(s, b0));
				c11 = i32x4.add(c11, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q2, 4);
				c20 = i32x4.add(c20, i32x4.dot_i16x8_s(s, b0));
				c21 = i32x4.add(c21, i32x4.dot_i16x8_s(s, b1));
				s = v128.load32_splat(q3, 4);
				c30 = i32x4.add(c30, i32x4.dot_i16x8_s(s, b0));
				c31 = i32x4.add(c31, i32x4.dot_i16x8_s(s, b1));
				q0 += 8;
				q1 += 8;
				q2 += 8;
				q3 += 8;
				pb += 32;
			}
			const out = c + <usize>i * ldc + ((<usize>j) << 2);
			Quant.finish(c00, c01, sc0, sc1, bi0, bi1, out, cols, act, al, be);
			if (n > 1) Quant.finish(c10, c11, sc0, sc1, bi0, bi1, out + ldc, cols, act, al, be);
			if (n > 2) Quant.finish(c20, c21, sc0, sc1, bi0, bi1, out + 2 * ldc, cols, act, al, be);
			if (n > 3) Quant.finish(c30, c31, sc0, sc1, bi0, bi1, out + 3 * ldc, cols, act, al, be);
		}
	}
}
