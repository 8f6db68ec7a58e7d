// Packing of gemmInt8's weights, once at load: B [K][N] f32 quantized per
// output column to s8 (symmetric, scale = max|w| / 127) and laid out as
// _infer_gemm_int8.ts describes (scales, then panels of 8 columns in k-pair
// blocks of 16 bytes).

import { weightCode } from "./_infer_q8_quant";

export function padN(N: i32): i32 {
	return (N + 7) & ~7;
}

export function padK(K: i32): i32 {
	return (K + 7) & ~7;
}

/** Bytes of the packed s8 weights of a [K][N] matrix. */
export function gemmInt8PackedBytes(K: i32, N: i32): i32 {
	return padN(N) * 4 + padN(N) * padK(K);
}

/** Quantizes f32 B [K][N] per column to s8 and packs it for gemmInt8: the
 * column maxima first (B read row by row), into the scale slots, then each
 * column's codes. */
export function gemmInt8Pack(src: usize, dst: usize, K: i32, N: i32): void {
	const Np = padN(N);
	const Kp = padK(K);
	const w = dst + ((<usize>Np) << 2);
	memory.fill(dst, 0, <usize>gemmInt8PackedBytes(K, N));
	for (let k = 0; k < K; k++) {
		const row = src + ((<usize>k * <usize>N) << 2);
		let j = 0;
		for (; j + 4 <= N; j += 4) {
			const o = (<usize>j) << 2;
			v128.store(dst + o, f32x4.pmax(v128.load(dst + o), f32x4.abs(v128.load(row + o))));
		}
		for (; j < N; j++) {
			const o = (<usize>j) << 2;
			store<f32>(dst + o, max(load<f32>(dst + o), Mathf.abs(load<f32>(row + o))));
		}
	}
	// Codes as scripts/quantize.mjs rounds them (f64 scale, JS rounding), so the engine's
	// 8-bit MatMuls are the ORT graph's: column by column into its panel slot.
	for (let j = 0; j < N; j++) {
		const m = <f64>load<f32>(dst + ((<usize>j) << 2));
		const sc: f64 = m > 0 ? m / 127.0 : 1.0;
		const col = w + <usize>(j >> 3) * <usize>Kp * 8 + ((<usize>(j & 7)) << 1);
		for (let k = 0; k < K; k++) {
			const v = load<f32>(src + ((<usize>k * <usize>N + <usize>j) << 2));
			store<i8>(col + ((<usize>(k >> 1)) << 4) + <usize>(k & 1), <i8>weightCode(v, sc));
		}
		store<f32>(dst + ((<usize>j) << 2), <f32>sc);
	}
}
