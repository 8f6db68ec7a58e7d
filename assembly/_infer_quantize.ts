// Dynamic quantization of gemmInt8's activations, once per call: the whole
// tensor shares one scale and zero point, computed as ONNX
// DynamicQuantizeLinear does, and each row is written as q - zp in i16 (see
// _infer_gemm_int8.ts for why centred and widened), rows Kp = K rounded up
// to 8 apart, zero padded.

import { padK } from "./_infer_gemm_int8_pack";

/** Bytes quantizeRows writes for an [M][K] f32 matrix. */
export function quantizeRowsBytes(M: i32, K: i32): i32 {
	return 16 + M * padK(K) * 2;
}

/** A [M][K] f32 -> q - zp (i16) with q the DynamicQuantizeLinear value:
 * scale = (max(0, max) - min(0, min)) / 255, zp = round(-min / scale),
 * q = saturate(round(v / scale) + zp) to 0..255, rounding half to even. */
export function quantizeRows(a: usize, q: usize, M: i32, K: i32): void {
	const n = M * K;
	let lo = f32x4.splat(0);
	let hi = f32x4.splat(0);
	let i = 0;
	for (; i + 4 <= n; i += 4) {
		const v = v128.load(a + ((<usize>i) << 2));
		lo = f32x4.pmin(lo, v);
		hi = f32x4.pmax(hi, v);
	}
	let mn = min(
		min(f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1)),
		min(f32x4.extract_lane(lo, 2), f32x4.extract_lane(lo, 3)),
	);
	let mx = max(
		max(f32x4.extract_lane(hi, 0), f32x4.extract_lane(hi, 1)),
		max(f32x4.extract_lane(hi, 2), f32x4.extract_lane(hi, 3)),
	);
	for (; i < n; i++) {
		const v = load<f32>(a + ((<usize>i) << 2));
		mn = min(mn, v);
		mx = max(mx, v);
	}
	let scale: f32 = (mx - mn) / 255;
	if (!(scale > 0)) scale = 1;
	const zp = <i32>max<f32>(0, min<f32>(255, nearest<f32>(-mn / scale)));
	store<f32>(q, scale);
	store<i32>(q, zp, 4);
	store<i64>(q, 0, 8);
	const Kp = padK(K);
	// Divided, not multiplied by the inverse: ORT's DynamicQuantizeLinear divides, and the
	// product rounds to another code about once in 262 144 values.
	const vs = f32x4.splat(scale);
	const top = i32x4.splat(255 - zp);
	const bottom = i32x4.splat(-zp);
	for (let r = 0; r < M; r++) {
		const src = a + ((<usize>r * <usize>K) << 2);
		const dst = q + 16 + ((<usize>r * <usize>Kp) << 1);
		let k = 0;
		for (; k + 8 <= K; k += 8) {
			const s = src + ((<usize>k) << 2);
			const q0 = Rows.centred(v128.load(s), vs, bottom, top);
			const q1 = Rows.centred(v128.load(s, 16), vs, bottom, top);
			v128.store(dst + ((<usize>k) << 1), i16x8.narrow_i32x4_s(q0, q1));
		}
		for (; k < K; k++) {
			const t = <i32>nearest<f32>(load<f32>(src + ((<usize>k) << 2)) / scale) + zp;
			store<i16>(dst + ((<usize>k) << 1), <i16>(max(0, min(255, t)) - zp));
		}
		for (; k < Kp; k++) store<i16>(dst + ((<usize>k) << 1), 0);
	}
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Rows {
	/** saturate(round(v / scale) + zp) - zp, as i32 lanes. */
	@inline
	static centred(v: v128, scale: v128, bottom: v128, top: v128): v128 {
		const t = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v, scale)));
		return i32x4.max_s(bottom, i32x4.min_s(top, t));
	}
}
