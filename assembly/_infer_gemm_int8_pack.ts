// Packing of gemmInt8's weights, once at load: B [K][N] f32 quantized per
// output column to s8 (symmetric, scale = max|w| / 127) and laid out as
// _infer_gemm_int8.ts describes (scales, then panels of 8 columns in k-pair
// blocks of 16 bytes).

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

/** Quantizes f32 B [K][N] per column to s8 and packs it for gemmInt8. B is
 * read row by row (its columns are N floats apart): the column maxima first,
 * into the scale slots, then each panel two rows at a time. */
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
	const full = N & ~7;
	for (let j = 0; j < full; j += 8)
		Pack.panel(src, dst + ((<usize>j) << 2), w + <usize>(j >> 3) * <usize>Kp * 8, K, N, j);
	// The last, partial panel column by column.
	for (let j = full; j < N; j++) {
		const m = load<f32>(dst + ((<usize>j) << 2));
		const inv: f32 = m > 0 ? 127 / m : 0;
		const col = w + <usize>(j >> 3) * <usize>Kp * 8 + ((<usize>(j & 7)) << 1);
		for (let k = 0; k < K; k++) {
			const v = load<f32>(src + ((<usize>k * <usize>N + <usize>j) << 2));
			const q = max(-127, min(127, <i32>nearest<f32>(v * inv)));
			store<i8>(col + ((<usize>(k >> 1)) << 4) + <usize>(k & 1), <i8>q);
		}
	}
	for (let j = 0; j < N; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(dst + ((<usize>j) << 2)) / 127);
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Pack {
	/** round(v * inv) clamped to +-127, as i32 lanes. */
	@inline
	static q(v: v128, inv: v128): v128 {
		const t = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v, inv)));
		return i32x4.max_s(i32x4.splat(-127), i32x4.min_s(i32x4.splat(127), t));
	}

	/** 1 / scale = 127 / max, 0 for an all-zero column. */
	@inline
	static inv(m: v128): v128 {
		return v128.and(f32x4.div(f32x4.splat(127), m), f32x4.gt(m, f32x4.splat(0)));
	}

	/** The 8 floats of a panel row at p quantized to 8 i16 lanes. */
	@inline
	static row(p: usize, inv0: v128, inv1: v128): v128 {
		return i16x8.narrow_i32x4_s(Pack.q(v128.load(p), inv0), Pack.q(v128.load(p, 16), inv1));
	}

	/** One full panel (columns j..j+7, maxima at mx): rows k, k+1 interleaved per column. */
	static panel(src: usize, mx: usize, out: usize, K: i32, N: i32, j: i32): void {
		const inv0 = Pack.inv(v128.load(mx));
		const inv1 = Pack.inv(v128.load(mx, 16));
		const ld = (<usize>N) << 2;
		let p = src + ((<usize>j) << 2);
		for (let k = 0; k < K; k += 2) {
			const r0 = Pack.row(p, inv0, inv1);
			const r1 = k + 1 < K ? Pack.row(p + ld, inv0, inv1) : i16x8.splat(0);
			const b = i8x16.narrow_i16x8_s(r0, r1);
			v128.store(
				out + ((<usize>(k >> 1)) << 4),
				i8x16.shuffle(b, b, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15),
			);
			p += ld << 1;
		}
	}
}
