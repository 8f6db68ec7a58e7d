// Fused epilogue of the conv kernels: bias, then one of the activation codes
// of the engine (0 none, 1 relu, 2 hardsigmoid, 3 hardswish, 4 sigmoid, 5 swish).

import { affineRun } from "./_infer_ops_act";

// Parameters of the fused epilogue (written at the start of each kernel call,
// read only within it): scale, offset, low and high clamp, as 4 v128.
const EP: usize = memory.data(64, 16);

// A scalar a * y + b after the activation (the recogniser's learnable affine
// blocks, and the detector's that follow a hard-swish), set by the host around
// the one conv call it follows (setPost) so that the output is written once
// instead of written, read back and written again by an Affine pass.
let postOn = false;
let postA: f32 = 1.0;
let postB: f32 = 0.0;

/** Host: on (1) or off (0) the post affine a * y + b of the next conv calls,
 * applied after the activation, whichever it is: every conv loop calls postRow
 * (or post4) after its activation pass over the rows it wrote. */
export function setPost(on: i32, a: f32, b: f32): void {
	postOn = on !== 0;
	postA = a;
	postB = b;
}

/** Turns the post affine off and returns whether it was on: a loop that runs
 * other conv loops on intermediates (Winograd's GEMMs on transformed tiles)
 * holds it back from them and gives it back (resumePost) for its own output. */
export function holdPost(): bool {
	const on = postOn;
	postOn = false;
	return on;
}

export function resumePost(on: bool): void {
	postOn = on;
}

/** y = a * y + b over n floats at y, when a post affine is on: the Affine op's own loop. */
export function postRow(y: usize, n: i32): void {
	if (postOn && n > 0) affineRun(y, y, n, postA, postB);
}

/** Whether the post affine is on: a loop that applies it in its own activation pass, with postScale and postShift. */
export function postActive(): bool {
	return postOn;
}

export function postScale(): v128 {
	return f32x4.splat(postA);
}

export function postShift(): v128 {
	return f32x4.splat(postB);
}

/** The post affine on 4 lanes (none when off). */
export function post4(v: v128): v128 {
	return postOn ? f32x4.add(f32x4.mul(v, f32x4.splat(postA)), f32x4.splat(postB)) : v;
}

/** Prepares the epilogue of one call and returns its form for `fused`:
 * 0 plain, 1 clamp(A v + B, L, H) (relu, hardsigmoid), 2 v times that
 * (hardswish). Sigmoid and swish return 0 and run as an actRow pass. */
export function setEpilogue(act: i32, alpha: f32, beta: f32): i32 {
	const inf = Infinity as f32;
	let a: f32 = 1.0;
	let b: f32 = 0.0;
	let lo: f32 = -inf;
	let hi: f32 = inf;
	let form = 0;
	if (act === 1) {
		lo = 0.0;
		form = 1;
	} else if (act === 2 || act === 3) {
		a = alpha;
		b = beta;
		lo = 0.0;
		hi = 1.0;
		form = act === 2 ? 1 : 2;
	}
	v128.store(EP, f32x4.splat(a));
	v128.store(EP, f32x4.splat(b), 16);
	v128.store(EP, f32x4.splat(lo), 32);
	v128.store(EP, f32x4.splat(hi), 48);
	return form;
}

/** The epilogue activation of `setEpilogue`'s form on v (bias already added).
 * pmin/pmax are one instruction each; min/max spell out NaN and -0 rules. */
export function fused(v: v128, form: i32): v128 {
	if (form === 0) return v;
	const t = f32x4.add(f32x4.mul(v128.load(EP), v), v128.load(EP, 16));
	const c = f32x4.pmax(f32x4.pmin(t, v128.load(EP, 48)), v128.load(EP, 32));
	return form === 1 ? c : f32x4.mul(v, c);
}

/** e^x for x <= 0 (relative error about 2e-7). n = round(x log2 e) comes from
 * adding 1.5 * 2^23, whose low mantissa bits then hold n as an integer: no
 * rounding or float-to-int conversion instruction (several each in wasm). */
function expNeg4(x: v128): v128 {
	const magic = f32x4.splat(12582912.0);
	x = f32x4.pmax(x, f32x4.splat(-87.0));
	const t = f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), magic);
	const n = f32x4.sub(t, magic);
	let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
	r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
	let p = f32x4.splat(1.98756915e-4);
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
	p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
	const scale = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
	return f32x4.mul(p, scale);
}

/** 1/(1+e^-v) for 4 lanes. e^-|v| never overflows, and the negative half is
 * e/(1+e) of the same e, so both halves keep full relative precision. */
export function sigmoid4(v: v128): v128 {
	const e = expNeg4(f32x4.neg(f32x4.abs(v)));
	const one = f32x4.splat(1.0);
	const d = f32x4.add(one, e);
	const pos = f32x4.div(one, d);
	// e * (1/d) rather than a second division (the slow instruction here).
	const neg = f32x4.mul(e, pos);
	return v128.bitselect(pos, neg, f32x4.ge(v, f32x4.splat(0.0)));
}

/** act(v) for the activation code `act`; alpha and beta are pre-splatted. */
export function activate(v: v128, act: i32, alpha: v128, beta: v128): v128 {
	if (act === 0) return v;
	if (act === 1) return f32x4.pmax(v, f32x4.splat(0.0));
	if (act === 2 || act === 3) {
		const t = f32x4.add(f32x4.mul(alpha, v), beta);
		const hs = f32x4.pmax(f32x4.pmin(t, f32x4.splat(1.0)), f32x4.splat(0.0));
		return act === 2 ? hs : f32x4.mul(v, hs);
	}
	const s = sigmoid4(v);
	return act === 4 ? s : f32x4.mul(v, s);
}

/** Bias of output channel `c` splatted, or zeros when there is no bias. */
export function biasOf(bias: usize, c: i32): v128 {
	return bias === 0 ? f32x4.splat(0.0) : v128.load32_splat(bias + ((<usize>c) << 2));
}

/** Activation parameters as the loops pass them: one v128 each. */
export function splat(v: f32): v128 {
	return f32x4.splat(v);
}

/** Applies activation `act` in place to n floats at y (a row or block just
 * written with its bias): the code is chosen once per row, not per vector. */
export function actRow(y: usize, n: i32, act: i32, al: v128, be: v128): void {
	if (act === 0 || n <= 0) return;
	const end = y + ((<usize>n) << 2);
	const vend = y + ((<usize>(n & ~3)) << 2);
	const zero = f32x4.splat(0.0);
	const one = f32x4.splat(1.0);
	let p = y;
	if (act === 1) {
		for (; p < vend; p += 16) v128.store(p, f32x4.pmax(v128.load(p), zero));
	} else if (act === 2) {
		for (; p < vend; p += 16) {
			const v = v128.load(p);
			v128.store(p, f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), one), zero));
		}
	} else if (act === 3) {
		for (; p < vend; p += 16) {
			const v = v128.load(p);
			v128.store(p, f32x4.mul(v, f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), one), zero)));
		}
	} else if (act === 4) {
		for (; p < vend; p += 16) v128.store(p, sigmoid4(v128.load(p)));
	} else {
		for (; p < vend; p += 16) {
			const v = v128.load(p);
			v128.store(p, f32x4.mul(v, sigmoid4(v)));
		}
	}
	for (; p < end; p += 4) store<f32>(p, f32x4.extract_lane(activate(v128.load32_splat(p), act, al, be), 0));
}
