// Separable triangle resampling of RGBA rows for the OCR stages
// (src/ocr/resample.ts works out the taps and feeds the rows in bands): a
// horizontal pass over source rows into a middle band of bytes, then a
// vertical pass into output rows. The arithmetic is the JS resampler's that
// this replaced, step for step, so every output byte is the same:
// - horizontal sums in f64, taps in order (a byte times an f32 weight is
//   exact there), each sum rounded half to even and clamped to a byte;
// - vertical sums rounded to f32 after every tap (the f64 sum of the f32
//   total so far and the exact product, then rounded: what a Float32Array
//   accumulator does), the total rounded to a byte the same way.
// Lanes carry a pixel's 4 channels (2 per f64x2), so no channel is special.

/** First byte the host may use: the static data's end, 16-byte aligned. */
export function heapBase(): usize {
	return (__heap_base + 15) & ~(<usize>15);
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Px {
	/** A pixel's 4 bytes at p as i32 lanes. */
	@inline
	static load(p: usize): v128 {
		return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
	}

	/** Channels 0, 1 and 2, 3 of i32 lanes as f64 pairs. */
	@inline
	static low(v: v128): v128 {
		return f64x2.convert_low_i32x4_u(v);
	}

	@inline
	static high(v: v128): v128 {
		return f64x2.convert_low_i32x4_u(v128.shuffle<i32>(v, v, 2, 3, 2, 3));
	}

	/** Two f64 pairs of non-negative sums to 4 bytes at p, as a Uint8ClampedArray stores them. */
	@inline
	static store(p: usize, lo: v128, hi: v128): void {
		const top = f64x2.splat(255.0);
		const a = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.nearest(lo), top));
		const b = i32x4.trunc_sat_f64x2_s_zero(f64x2.pmin(f64x2.nearest(hi), top));
		const v = v128.shuffle<i32>(a, b, 0, 1, 4, 5);
		const w = i16x8.narrow_i32x4_s(v, v);
		v128.store32_lane(p, i8x16.narrow_i16x8_u(w, w), 0);
	}

	/** f64 lanes rounded to f32 and back: the f32 accumulator's rounding after each tap. */
	@inline
	static f32(v: v128): v128 {
		return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
	}
}

/**
 * Horizontal pass: `rows` rows of `srcW` RGBA pixels at src into rows of
 * outW at mid. Output column x reads count[x] pixels from start[x] with the
 * f32 weights at weights + x * stride.
 */
export function hpass(
	src: usize,
	srcW: i32,
	rows: i32,
	start: usize,
	count: usize,
	weights: usize,
	stride: i32,
	outW: i32,
	mid: usize,
): void {
	for (let y = 0; y < rows; y++) {
		const row = src + ((<usize>y * <usize>srcW) << 2);
		let out = mid + ((<usize>y * <usize>outW) << 2);
		for (let x = 0; x < outW; x++) {
			const xo = (<usize>x) << 2;
			let p = row + ((<usize>load<i32>(start + xo)) << 2);
			const n = load<i32>(count + xo);
			let w = weights + ((<usize>x * <usize>stride) << 2);
			let lo = f64x2.splat(0.0);
			let hi = lo;
			for (let k = 0; k < n; k++) {
				const px = Px.load(p);
				const wk = f64x2.splat(<f64>load<f32>(w));
				lo = f64x2.add(lo, f64x2.mul(Px.low(px), wk));
				hi = f64x2.add(hi, f64x2.mul(Px.high(px), wk));
				p += 4;
				w += 4;
			}
			Px.store(out, lo, hi);
			out += 4;
		}
	}
}

/**
 * Vertical pass: output rows 0..rows of outW pixels at dst from the middle
 * band at mid (rows of outW pixels, its row 0 being source row `first`).
 * Output row y reads count[y] rows from source row start[y] with the weights
 * at weights + y * stride.
 */
export function vpass(
	mid: usize,
	first: i32,
	outW: i32,
	start: usize,
	count: usize,
	weights: usize,
	stride: i32,
	rows: i32,
	dst: usize,
): void {
	const rowBytes = (<usize>outW) << 2;
	for (let y = 0; y < rows; y++) {
		const yo = (<usize>y) << 2;
		const top = mid + <usize>(load<i32>(start + yo) - first) * rowBytes;
		const n = load<i32>(count + yo);
		const wy = weights + ((<usize>y * <usize>stride) << 2);
		let out = dst + <usize>y * rowBytes;
		for (let x: usize = 0; x < rowBytes; x += 4) {
			let lo = f64x2.splat(0.0);
			let hi = lo;
			let p = top + x;
			for (let k = 0; k < n; k++) {
				const px = Px.load(p);
				const wk = f64x2.splat(<f64>load<f32>(wy + ((<usize>k) << 2)));
				lo = Px.f32(f64x2.add(lo, f64x2.mul(Px.low(px), wk)));
				hi = Px.f32(f64x2.add(hi, f64x2.mul(Px.high(px), wk)));
				p += rowBytes;
			}
			Px.store(out, lo, hi);
			out += 4;
		}
	}
}
