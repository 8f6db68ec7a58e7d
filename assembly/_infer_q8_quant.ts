// 8-bit quantization of the engine's int8 convolutions, with the numerics of
// the 8-bit recogniser graph (scripts/quantize.mjs run by onnxruntime):
// activations as ONNX DynamicQuantizeLinear (u8, one scale and zero point
// per tensor, found per call), weights symmetric s8 with one scale per
// output channel, rounded the way quantize.mjs rounds them (f64, JS Math.round).

/** Bytes of the header quantizeU8 writes: scale f32 at 0, zero point i32 at 4. */
export const PARAMS_BYTES = 16;

/** min(0, min x) and max(0, max x) over x[0..n), as lanes 0 and 1. pmin/pmax
 * are one instruction each (min/max take several for NaN and signed-zero
 * rules, which cannot change the scale and zero point of finite data). */
function range(x: usize, n: i32): v128 {
	let lo = f32x4.splat(0.0);
	let hi = lo;
	let i = 0;
	for (; i + 16 <= n; i += 16) {
		const p = x + ((<usize>i) << 2);
		const a = v128.load(p);
		const b = v128.load(p, 16);
		const c = v128.load(p, 32);
		const d = v128.load(p, 48);
		lo = f32x4.pmin(lo, f32x4.pmin(f32x4.pmin(a, b), f32x4.pmin(c, d)));
		hi = f32x4.pmax(hi, f32x4.pmax(f32x4.pmax(a, b), f32x4.pmax(c, d)));
	}
	for (; i + 4 <= n; i += 4) {
		const v = v128.load(x + ((<usize>i) << 2));
		lo = f32x4.pmin(lo, v);
		hi = f32x4.pmax(hi, v);
	}
	let l = min(
		min(f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1)),
		min(f32x4.extract_lane(lo, 2), f32x4.extract_lane(lo, 3)),
	);
	let h = max(
		max(f32x4.extract_lane(hi, 0), f32x4.extract_lane(hi, 1)),
		max(f32x4.extract_lane(hi, 2), f32x4.extract_lane(hi, 3)),
	);
	for (; i < n; i++) {
		const v = load<f32>(x + ((<usize>i) << 2));
		l = min(l, v);
		h = max(h, v);
	}
	return f32x4.replace_lane(f32x4.splat(l), 1, h);
}

// 1.5 * 2^23: adding it to a float of magnitude below 2^22 leaves the nearest
// integer, ties to even, in the low mantissa bits (the add itself rounds).
const ROUNDER: f32 = 12582912.0;
const ROUNDER_BITS: i32 = 0x4b400000;

/** 4 floats -> round half to even of x/scale, plus zp, as i32 (|x/scale| <= 255 by construction). */
function codes4(v: v128, sc: v128, bits: v128): v128 {
	return i32x4.sub(f32x4.add(f32x4.div(v, sc), f32x4.splat(ROUNDER)), bits);
}

/** 16 floats -> 16 u8 codes, saturated to 0..top. */
function quant16(p: usize, sc: v128, bits: v128, top: v128): v128 {
	const a = codes4(v128.load(p), sc, bits);
	const b = codes4(v128.load(p, 16), sc, bits);
	const c = codes4(v128.load(p, 32), sc, bits);
	const d = codes4(v128.load(p, 48), sc, bits);
	return i8x16.min_u(i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d)), top);
}

/**
 * x f32[n] -> q u8[n] codes 0..levels (255, or 127 for the 7-bit kernels),
 * scale and zero point into `params`. The range always
 * holds 0 so that 0 is exact (zero padding of the convolutions is q == zp);
 * an all-zero tensor gets scale 1 and zero point 0.
 */
export function quantize(x: usize, n: i32, q: usize, params: usize, levels: i32): void {
	const r = range(x, n);
	const lo = f32x4.extract_lane(r, 0);
	const hi = f32x4.extract_lane(r, 1);
	const top: f32 = <f32>levels;
	const scale: f32 = hi === lo ? 1.0 : (hi - lo) / top;
	const zpf: f32 = max<f32>(0.0, min<f32>(top, 0.0 - lo / scale));
	const zp = <i32>nearest<f32>(zpf);
	store<f32>(params, scale);
	store<i32>(params, zp, 4);
	const sc = f32x4.splat(scale);
	// Subtracting the rounder's bits and adding zp in one integer step.
	const zv = i32x4.splat(ROUNDER_BITS - zp);
	const tv = i8x16.splat(<i8>levels);
	let i = 0;
	for (; i + 16 <= n; i += 16) v128.store(q + <usize>i, quant16(x + ((<usize>i) << 2), sc, zv, tv));
	for (; i < n; i++) {
		const v = <i32>nearest<f32>(load<f32>(x + ((<usize>i) << 2)) / scale) + zp;
		store<u8>(q + <usize>i, <u8>max(0, min(levels, v)));
	}
}

/** JS Math.round: nearest integer, halves toward +infinity. */
function roundJs(v: f64): f64 {
	const f = Math.floor(v);
	return v - f >= 0.5 ? f + 1.0 : f;
}

/** Scale of one output channel's `per` f32 weights (`stride` floats apart):
 * max |w| / 127 (1 if all are 0), kept in f64 for rounding the codes, as
 * quantize.mjs does. */
export function channelScale(src: usize, per: i32, stride: i32): f64 {
	let m: f64 = 0.0;
	const step = (<usize>stride) << 2;
	for (let k = 0; k < per; k++) m = Math.max(m, Math.abs(<f64>load<f32>(src + <usize>k * step)));
	return m > 0.0 ? m / 127.0 : 1.0;
}

/** One weight as its s8 code under channel scale `s`. */
export function weightCode(w: f32, s: f64): i32 {
	return <i32>Math.max(-127.0, Math.min(127.0, roundJs(<f64>w / s)));
}
