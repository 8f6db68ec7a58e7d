import { describe, expect, it } from "vitest";
import { actRef, Harness, maxErr, randomFloats } from "./helpers/engineKernel";

// The float GEMM kernels of build/kernels/infer.wasm against an f64 loop on
// seeded random data: shapes with every row and column tail (M % 4, N % 8,
// N % 4), the recogniser's neck and head shapes, every activation. Tolerance
// 1e-5 of the output's largest magnitude (f32 accumulation over K <= 480).

const ALPHA = 1 / 6;
const BETA = 0.5;

function gemmRef(
	a: Float32Array,
	b: Float32Array,
	bias: Float32Array | null,
	M: number,
	K: number,
	N: number,
	act: number,
) {
	const c = new Float64Array(M * N);
	for (let i = 0; i < M; i++) {
		for (let j = 0; j < N; j++) {
			let s = bias ? bias[j] : 0;
			for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
			c[i * N + j] = actRef(s, act, ALPHA, BETA);
		}
	}
	return c;
}

describe("engine gemm", () => {
	const shapes = [
		[1, 1, 1],
		[3, 5, 7],
		[4, 8, 8],
		[5, 17, 13],
		[7, 33, 29],
		[2, 3, 4],
		[9, 16, 6],
		[80, 120, 360],
		[80, 240, 120],
		[6, 120, 6625],
		[13, 480, 45],
	];
	for (const [M, K, N] of shapes) {
		it(`gemm and gemmPacked ${M}x${K}x${N}, every activation, with and without bias`, () => {
			const h = new Harness();
			const av = randomFloats(M * K, M * 7 + K);
			const bv = randomFloats(K * N, N * 3 + K);
			const biasv = randomFloats(N, N + 1);
			const a = h.load(av);
			const b = h.load(bv);
			const bias = h.load(biasv);
			const c = h.alloc(M * N);
			const bp = h.alloc(h.call("gemmPackedBytes", K, N) / 4);
			h.call("gemmPack", b, bp, K, N);
			for (let act = 0; act <= 5; act++) {
				for (const withBias of [false, true]) {
					const want = gemmRef(av, bv, withBias ? biasv : null, M, K, N, act);
					for (const fn of ["gemm", "gemmPacked"]) {
						h.f32(c, M * N).fill(Number.NaN);
						h.call(fn, a, fn === "gemm" ? b : bp, withBias ? bias : 0, c, M, K, N, act, ALPHA, BETA);
						const { err, mag } = maxErr(h.read(c, M * N), want);
						expect(err, `${fn} act ${act} bias ${withBias}`).toBeLessThanOrEqual(1e-5 * Math.max(1, mag));
					}
				}
			}
			expect(h.guardsIntact()).toBe(true);
		});
	}

	it("gemm reads nothing past B or A when they end linear memory", () => {
		for (const [M, K, N] of [
			[5, 7, 12],
			[3, 9, 20],
			[6, 4, 36],
		]) {
			const h = new Harness();
			const av = randomFloats(M * K, 11);
			const bv = randomFloats(K * N, 12);
			const c = h.alloc(M * N);
			const a = h.load(av);
			const b = h.put(h.allocAtEnd(K * N), bv);
			h.call("gemm", a, b, 0, c, M, K, N, 0, 0, 0);
			expect(maxErr(h.read(c, M * N), gemmRef(av, bv, null, M, K, N, 0)).err).toBeLessThanOrEqual(1e-5);
			const h2 = new Harness();
			const c2 = h2.alloc(M * N);
			const b2 = h2.load(bv);
			const a2 = h2.put(h2.allocAtEnd(M * K), av);
			h2.call("gemm", a2, b2, 0, c2, M, K, N, 0, 0, 0);
			expect(maxErr(h2.read(c2, M * N), gemmRef(av, bv, null, M, K, N, 0)).err).toBeLessThanOrEqual(1e-5);
		}
	});

	it("matmulBatched multiplies each block on its own", () => {
		for (const [batch, M, K, N] of [
			[3, 7, 15, 9],
			[8, 80, 15, 80],
			[2, 1, 1, 5],
		]) {
			const h = new Harness();
			const av = randomFloats(batch * M * K, 21);
			const bv = randomFloats(batch * K * N, 22);
			const a = h.load(av);
			const b = h.load(bv);
			const c = h.alloc(batch * M * N);
			h.call("matmulBatched", a, b, c, batch, M, K, N);
			const got = h.read(c, batch * M * N);
			for (let i = 0; i < batch; i++) {
				const want = gemmRef(av.subarray(i * M * K), bv.subarray(i * K * N), null, M, K, N, 0);
				const { err, mag } = maxErr(got.subarray(i * M * N, (i + 1) * M * N), want);
				expect(err).toBeLessThanOrEqual(1e-5 * Math.max(1, mag));
			}
			expect(h.guardsIntact()).toBe(true);
		}
	});
});
