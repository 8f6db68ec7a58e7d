// Row reductions: layer norm and softmax of the SVTR neck and the global
// average pool of the SE blocks and the classifier. Sums of whole rows add
// blocks of 64 in f32 and the blocks in f64: a softmax row of 6625
// exponentials or a 60k-pixel plane summed in f32 alone would lose a few ulp
// of relative accuracy to rounding.

import { Act } from "./_infer_ops_act";

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Lanes {
	@inline
	static hsum(v: v128): f32 {
		return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
	}

	/** The 4 floats of v folded into two f64 lanes (v0 + v2, v1 + v3). */
	@inline
	static wide(v: v128): v128 {
		return f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
	}

	@inline
	static hsum2(v: v128): f64 {
		return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
	}

	@inline
	static hmax(v: v128): f32 {
		return max(
			max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
			max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)),
		);
	}
}

/** Sum of n floats at p: blocks of 64 in f32 (8 terms a lane), the blocks
 * in f64, so a 60k-pixel plane keeps nearly f64 accuracy at f32 speed. */
function sumRun(p: usize, n: i32): f64 {
	let wide = f64x2.splat(0);
	let i = 0;
	for (; i + 64 <= n; i += 64) {
		let s0 = f32x4.splat(0);
		let s1 = s0;
		for (let j = 0; j < 64; j += 8) {
			const q = p + ((<usize>(i + j)) << 2);
			s0 = f32x4.add(s0, v128.load(q));
			s1 = f32x4.add(s1, v128.load(q, 16));
		}
		wide = f64x2.add(wide, Lanes.wide(f32x4.add(s0, s1)));
	}
	for (; i + 4 <= n; i += 4) wide = f64x2.add(wide, Lanes.wide(v128.load(p + ((<usize>i) << 2))));
	let s = Lanes.hsum2(wide);
	for (; i < n; i++) s += <f64>load<f32>(p + ((<usize>i) << 2));
	return s;
}

/** Per row of `cols`: (v - mean) / sqrt(var + eps) * gamma + beta, with the
 * biased variance; the variance is taken around the mean (two passes) so it
 * does not cancel for rows with a large offset. */
export function layerNorm(x: usize, gamma: usize, beta: usize, y: usize, rows: i32, cols: i32, eps: f32): void {
	const inv: f32 = 1 / <f32>cols;
	for (let r = 0; r < rows; r++) {
		const px = x + ((<usize>r * <usize>cols) << 2);
		const py = y + ((<usize>r * <usize>cols) << 2);
		const mean = <f32>(sumRun(px, cols) / <f64>cols);
		const vm = f32x4.splat(mean);
		let s0 = f32x4.splat(0);
		let i = 0;
		for (; i + 4 <= cols; i += 4) {
			const d = f32x4.sub(v128.load(px + ((<usize>i) << 2)), vm);
			s0 = f32x4.add(s0, f32x4.mul(d, d));
		}
		let ss = Lanes.hsum(s0);
		for (; i < cols; i++) {
			const d = load<f32>(px + ((<usize>i) << 2)) - mean;
			ss += d * d;
		}
		const rstd: f32 = 1 / Mathf.sqrt(ss * inv + eps);
		const vr = f32x4.splat(rstd);
		i = 0;
		for (; i + 4 <= cols; i += 4) {
			const o = (<usize>i) << 2;
			const d = f32x4.mul(f32x4.sub(v128.load(px + o), vm), vr);
			v128.store(py + o, f32x4.add(f32x4.mul(d, v128.load(gamma + o)), v128.load(beta + o)));
		}
		for (; i < cols; i++) {
			const o = (<usize>i) << 2;
			store<f32>(py + o, (load<f32>(px + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
		}
	}
}

/** Softmax over each row of `cols`, max-subtracted. y may be x. Each block of
 * 64 exponentials is summed in f32 (8 terms a lane), the blocks in f64: about
 * as exact as an f64 sum over a 6625-class CTC row, at nearly f32 speed. */
export function softmax(x: usize, y: usize, rows: i32, cols: i32): void {
	for (let r = 0; r < rows; r++) {
		const px = x + ((<usize>r * <usize>cols) << 2);
		const py = y + ((<usize>r * <usize>cols) << 2);
		let m0 = f32x4.splat(-Infinity);
		let m1 = m0;
		let i = 0;
		for (; i + 8 <= cols; i += 8) {
			const q = px + ((<usize>i) << 2);
			m0 = f32x4.pmax(m0, v128.load(q));
			m1 = f32x4.pmax(m1, v128.load(q, 16));
		}
		for (; i + 4 <= cols; i += 4) m0 = f32x4.pmax(m0, v128.load(px + ((<usize>i) << 2)));
		let m = Lanes.hmax(f32x4.pmax(m0, m1));
		for (; i < cols; i++) m = max(m, load<f32>(px + ((<usize>i) << 2)));
		const vm = f32x4.splat(m);
		let wide = f64x2.splat(0);
		i = 0;
		for (; i + 64 <= cols; i += 64) {
			let s0 = f32x4.splat(0);
			let s1 = s0;
			for (let j = 0; j < 64; j += 8) {
				const o = (<usize>(i + j)) << 2;
				const e0 = Act.expNeg4(f32x4.sub(v128.load(px + o), vm));
				const e1 = Act.expNeg4(f32x4.sub(v128.load(px + o, 16), vm));
				v128.store(py + o, e0);
				v128.store(py + o, e1, 16);
				s0 = f32x4.add(s0, e0);
				s1 = f32x4.add(s1, e1);
			}
			wide = f64x2.add(wide, Lanes.wide(f32x4.add(s0, s1)));
		}
		for (; i + 4 <= cols; i += 4) {
			const o = (<usize>i) << 2;
			const e = Act.expNeg4(f32x4.sub(v128.load(px + o), vm));
			v128.store(py + o, e);
			wide = f64x2.add(wide, Lanes.wide(e));
		}
		let s = Lanes.hsum2(wide);
		for (; i < cols; i++) {
			const o = (<usize>i) << 2;
			const e = Mathf.exp(load<f32>(px + o) - m);
			store<f32>(py + o, e);
			s += <f64>e;
		}
		const k = <f32>(1 / s);
		const vk = f32x4.splat(k);
		i = 0;
		for (; i + 8 <= cols; i += 8) {
			const o = (<usize>i) << 2;
			v128.store(py + o, f32x4.mul(v128.load(py + o), vk));
			v128.store(py + o, f32x4.mul(v128.load(py + o, 16), vk), 16);
		}
		for (; i + 4 <= cols; i += 4) {
			const o = (<usize>i) << 2;
			v128.store(py + o, f32x4.mul(v128.load(py + o), vk));
		}
		for (; i < cols; i++) {
			const o = (<usize>i) << 2;
			store<f32>(py + o, load<f32>(py + o) * k);
		}
	}
}

/** y[ch] = mean of the ch-th plane of hw floats. */
export function globalAvgPool(x: usize, y: usize, c: i32, hw: i32): void {
	for (let ch = 0; ch < c; ch++) {
		store<f32>(y + ((<usize>ch) << 2), <f32>(sumRun(x + ((<usize>ch * <usize>hw) << 2), hw) / <f64>hw));
	}
}
