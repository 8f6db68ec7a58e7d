// Fused activations of the inference kernels (codes of the engine spec):
// 0 none, 1 relu, 2 hardsigmoid, 3 hardswish, 4 sigmoid, 5 swish.
// The vector form is applied to accumulators before they are stored, so an
// activation never costs a separate pass over memory.

const LOG2E: f32 = <f32>Math.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const ROUNDER: f32 = 12582912.0;

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_HARDSIGMOID = 2;
export const ACT_HARDSWISH = 3;
export const ACT_SIGMOID = 4;
export const ACT_SWISH = 5;

/** Vector activations; inlined with a constant or loop-invariant `act`, the
 * branches are decided once per loop, not per lane. */
// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Act {
	/** e^x for x <= 0, the polynomial of exp4 in _simd.ts with a cheaper
	 * reduction: adding 1.5 * 2^23 rounds x * log2(e) to an integer n and
	 * leaves n in the sum's low mantissa bits, so 2^n is one shift away
	 * (no nearest, no saturating float-to-int conversion). */
	@inline
	static expNeg4(x: v128): v128 {
		x = f32x4.pmax(x, f32x4.splat(-87.0));
		const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
		const n = f32x4.sub(t, f32x4.splat(ROUNDER));
		let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
		r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
		let p = f32x4.splat(1.98756915e-4);
		p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
		p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
		p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
		p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
		p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
		p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
		return f32x4.mul(p, i32x4.add(i32x4.shl(t, 23), i32x4.splat(127 << 23)));
	}

	/** 1/(1+e^-v). The exponential gets -|v| and the lanes with v < 0 use
	 * e/(1+e): both forms stay exact to a few ulp. */
	@inline
	static sigmoid4(v: v128): v128 {
		const e = Act.expNeg4(f32x4.neg(f32x4.abs(v)));
		const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
		const neg = f32x4.lt(v, f32x4.splat(0.0));
		return v128.bitselect(f32x4.mul(e, r), r, neg);
	}

	@inline
	static hardSigmoid4(v: v128, al: v128, be: v128): v128 {
		const t = f32x4.add(f32x4.mul(v, al), be);
		// pmin/pmax are one instruction each (min/max spell out NaN and -0 rules);
		// a NaN still comes through as NaN.
		return f32x4.pmax(f32x4.pmin(t, f32x4.splat(1.0)), f32x4.splat(0.0));
	}

	/** The activation `act` of 4 lanes; al/be are alpha/beta splatted (only
	 * the hard sigmoid family reads them). */
	@inline
	static act4(v: v128, act: i32, al: v128, be: v128): v128 {
		if (act === ACT_NONE) return v;
		if (act === ACT_RELU) return f32x4.pmax(v, f32x4.splat(0.0));
		if (act === ACT_HARDSIGMOID) return Act.hardSigmoid4(v, al, be);
		if (act === ACT_HARDSWISH) return f32x4.mul(v, Act.hardSigmoid4(v, al, be));
		const s = Act.sigmoid4(v);
		return act === ACT_SIGMOID ? s : f32x4.mul(v, s);
	}
}

/** Scalar twin of Act.act4 for tails shorter than a vector. */
export function act1(v: f32, act: i32, alpha: f32, beta: f32): f32 {
	if (act === ACT_NONE) return v;
	if (act === ACT_RELU) return v > 0 ? v : 0;
	if (act === ACT_HARDSIGMOID || act === ACT_HARDSWISH) {
		const h = max<f32>(0, min<f32>(1, alpha * v + beta));
		return act === ACT_HARDSIGMOID ? h : v * h;
	}
	const s: f32 = v >= 0 ? 1 / (1 + Mathf.exp(-v)) : Mathf.exp(v) / (1 + Mathf.exp(v));
	return act === ACT_SIGMOID ? s : v * s;
}

/** Applies `act` in place to n floats at p (the gemm tails use it). */
export function actRun(p: usize, n: i32, act: i32, alpha: f32, beta: f32): void {
	if (act === ACT_NONE) return;
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	let i = 0;
	for (; i + 4 <= n; i += 4) {
		const q = p + ((<usize>i) << 2);
		v128.store(q, Act.act4(v128.load(q), act, al, be));
	}
	for (; i < n; i++) {
		const q = p + ((<usize>i) << 2);
		store<f32>(q, act1(load<f32>(q), act, alpha, beta));
	}
}

/** y = alpha * x + beta over n floats (y may be x), a multiply then an add in
 * f32: the Affine op, and the post affine the conv loops apply to the rows they
 * write (_infer_conv_act.ts), so both give the same bits. */
export function affineRun(x: usize, y: usize, n: i32, alpha: f32, beta: f32): void {
	const va = f32x4.splat(alpha);
	const vb = f32x4.splat(beta);
	let i = 0;
	for (; i + 8 <= n; i += 8) {
		const o = (<usize>i) << 2;
		const v0 = v128.load(x + o);
		const v1 = v128.load(x + o, 16);
		v128.store(y + o, f32x4.add(f32x4.mul(v0, va), vb));
		v128.store(y + o, f32x4.add(f32x4.mul(v1, va), vb), 16);
	}
	for (; i + 4 <= n; i += 4) {
		const o = (<usize>i) << 2;
		v128.store(y + o, f32x4.add(f32x4.mul(v128.load(x + o), va), vb));
	}
	for (; i < n; i++) {
		const o = (<usize>i) << 2;
		store<f32>(y + o, load<f32>(x + o) * alpha + beta);
	}
}
