// Float GEMM of the recogniser's SVTR neck, CTC head and classifier head:
// C[M][N] = act(A[M][K] . B[K][N] + bias), all row-major.
//
// The work is cut into panels of 8 columns of B; each panel stays in L1
// while every 4-row tile of A streams past it. A tile keeps its 4 x 8
// results in eight v128 accumulators (started at the bias), takes each A
// value splatted over a register, and applies the activation on the
// registers before the only store. A last panel of fewer than 8 columns
// runs the same tile: it reads B rows 8 wide (the extra lanes land in the
// next row, computed and dropped) except the last row or few, read by lane
// so nothing past B is touched. Packed B is the same panels stored back to
// back (K x 8 floats each, the last one zero-padded), read sequentially.

import { tile4x8 } from "./_infer_gemm_tile";

/** Bytes gemmPack writes for a [K][N] matrix. */
export function gemmPackedBytes(K: i32, N: i32): i32 {
	return ((N + 7) >> 3) * K * 32;
}

/** Packs row-major B [K][N] into 8-column panels for gemmPacked. */
export function gemmPack(src: usize, dst: usize, K: i32, N: i32): void {
	const panels = (N + 7) >> 3;
	for (let p = 0; p < panels; p++) {
		const j = p << 3;
		const cols = min(8, N - j);
		const out = dst + <usize>p * <usize>K * 32;
		for (let k = 0; k < K; k++) {
			const row = src + ((<usize>k * <usize>N + <usize>j) << 2);
			const o = out + ((<usize>k) << 5);
			if (cols === 8) {
				v128.store(o, v128.load(row));
				v128.store(o, v128.load(row, 16), 16);
			} else {
				for (let q = 0; q < 8; q++)
					store<f32>(o + ((<usize>q) << 2), q < cols ? load<f32>(row + ((<usize>q) << 2)) : 0);
			}
		}
	}
}

// All rows of one panel of up to 8 columns; b is the panel's first k row.
function panel(
	a: usize,
	b: usize,
	ldb: usize,
	c: usize,
	M: i32,
	K: i32,
	ldc: usize,
	safeK: i32,
	bias: usize,
	cols: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const lda = (<usize>K) << 2;
	for (let i = 0; i < M; i += 4) {
		tile4x8(
			a + <usize>i * lda,
			lda,
			min(4, M - i),
			b,
			ldb,
			c + <usize>i * ldc,
			ldc,
			K,
			safeK,
			bias,
			cols,
			act,
			alpha,
			beta,
		);
	}
}

/** C = act(A . B + bias); bias 0 = none, else [N]. */
export function gemm(
	a: usize,
	b: usize,
	bias: usize,
	c: usize,
	M: i32,
	K: i32,
	N: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const ldb = (<usize>N) << 2;
	const ldc = ldb;
	for (let j = 0; j < N; j += 8) {
		const o = (<usize>j) << 2;
		const cols = min(8, N - j);
		// Row k of the last panel is read 8 wide while that stays inside B
		// (k * N + j + 8 <= K * N); only the last row or few are read by lane.
		const room = K * N - j - 8;
		const safeK = cols === 8 ? K : room < 0 ? 0 : min(K, room / N + 1);
		panel(a, b + o, ldb, c + o, M, K, ldc, safeK, bias === 0 ? 0 : bias + o, cols, act, alpha, beta);
	}
}

/** gemm with B packed by gemmPack. */
export function gemmPacked(
	a: usize,
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
	const ldc = (<usize>N) << 2;
	const panels = (N + 7) >> 3;
	for (let p = 0; p < panels; p++) {
		const j = p << 3;
		const o = (<usize>j) << 2;
		const pb = bp + <usize>p * <usize>K * 32;
		panel(a, pb, 32, c + o, M, K, ldc, K, bias === 0 ? 0 : bias + o, min(8, N - j), act, alpha, beta);
	}
}

/** batch independent products C_i = A_i . B_i, each block contiguous. */
export function matmulBatched(a: usize, b: usize, c: usize, batch: i32, M: i32, K: i32, N: i32): void {
	const sa = (<usize>M * <usize>K) << 2;
	const sb = (<usize>K * <usize>N) << 2;
	const sc = (<usize>M * <usize>N) << 2;
	for (let i = 0; i < batch; i++) {
		gemm(a + <usize>i * sa, b + <usize>i * sb, 0, c + <usize>i * sc, M, K, N, 0, 0, 0);
	}
}
