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
		[5, 10, 17],
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
		// K * N a multiple of 4, so B ends exactly at the end of memory; N tails of 1 to 7 columns.
		for (const [M, K, N] of [
			[5, 7, 12],
			[3, 9, 20],
			[6, 4, 36],
			[5, 8, 3],
			[3, 4, 1],
			[4, 4, 13],
			[2, 2, 2],
			[7, 12, 9],
			[9, 20, 15],
			[1, 3, 4],
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
			[8, 40, 40, 15],
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

// Round half to even, as f32x4.nearest and nearest<f32> do.
function nearestEven(v: number): number {
	const r = Math.round(v);
	return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The kernel's quantization, replayed in f32 arithmetic: A as centred u8
 * (q - zp) with its scale, B per column as s8 with its scales. */
function quantizeRef(av: Float32Array, bv: Float32Array, M: number, K: number, N: number) {
	const f = Math.fround;
	let mn = 0;
	let mx = 0;
	for (const v of av) {
		mn = Math.min(mn, v);
		mx = Math.max(mx, v);
	}
	let sa = f(f(mx - mn) / 255);
	if (!(sa > 0)) sa = 1;
	const zp = Math.max(0, Math.min(255, nearestEven(f(-mn / sa))));
	// As ORT's DynamicQuantizeLinear: each value divided by the scale in f32.
	const qa = new Int16Array(M * K);
	for (let i = 0; i < M * K; i++) qa[i] = Math.max(0, Math.min(255, nearestEven(f((av[i] as number) / sa)) + zp)) - zp;
	const sb = new Float32Array(N);
	const qb = new Int8Array(K * N);
	for (let j = 0; j < N; j++) {
		let m = 0;
		for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(bv[k * N + j]));
		// As scripts/quantize.mjs: the scale in f64, codes by JS rounding, the scale stored as f32.
		const s64 = m > 0 ? m / 127 : 1;
		sb[j] = f(s64);
		for (let k = 0; k < K; k++)
			qb[k * N + j] = Math.max(-127, Math.min(127, Math.round((bv[k * N + j] as number) / s64)));
	}
	return { sa, zp, qa, sb, qb };
}

/**
 * Inputs of the 8-bit GEMM: `wide`, uniform over the whole range, so most
 * columns span more than 128 codes and the kernel's listed high halves carry
 * much of the sum; `narrow`, each column near its own level (as the
 * recogniser's activations are), so the low 7 bits carry nearly all of it.
 */
function int8Input(kind: "wide" | "narrow", M: number, K: number, seed: number): Float32Array {
	if (kind === "wide") return randomFloats(M * K, seed, -1.5, 3);
	const level = randomFloats(K, seed + 1, -1.5, 3);
	const noise = randomFloats(M * K, seed + 2, -0.3, 0.3);
	return noise.map((v, i) => v + (level[i % K] as number));
}

describe("engine int8 gemm (linear8)", () => {
	const shapes = [
		[1, 1, 1],
		[3, 5, 7],
		[4, 8, 8],
		[5, 17, 13],
		[7, 33, 29],
		[9, 16, 6],
		[12, 24, 9],
		[80, 120, 360],
		[80, 240, 120],
		[6, 120, 6625],
		[51, 120, 6625],
		[13, 480, 45],
		[53, 480, 20],
	];
	for (const [M, K, N] of shapes) {
		for (const kind of ["wide", "narrow"] as const) {
			it(`${M}x${K}x${N}, ${kind} columns: quantized as DynamicQuantizeLinear, exact on the codes, near the float product`, () => {
				const h = new Harness();
				const av = int8Input(kind, M, K, M * 5 + K);
				const bv = randomFloats(K * N, N * 9 + K, -0.5, 0.5);
				const biasv = randomFloats(N, N + 7);
				const a = h.load(av);
				const b = h.load(bv);
				const bias = h.load(biasv);
				const c = h.alloc(M * N);
				const wp = h.alloc(h.call("conv8PackedBytes", N, K, 1, 1) / 4);
				h.call("linear8Pack", b, wp, K, N);
				const scratch = h.alloc(h.call("linear8ScratchBytes", M, K) / 4);
				const ref = quantizeRef(av, bv, M, K, N);
				// Exact integer dot of the quantized values, before dequantization.
				const dots = new Float64Array(M * N);
				for (let i = 0; i < M; i++)
					for (let j = 0; j < N; j++) {
						let s = 0;
						for (let k = 0; k < K; k++) s += (ref.qa[i * K + k] as number) * (ref.qb[k * N + j] as number);
						dots[i * N + j] = s;
					}
				for (let act = 0; act <= 5; act++) {
					for (const withBias of [false, true]) {
						h.f32(c, M * N).fill(Number.NaN);
						h.call("linear8", a, M, K, wp, withBias ? bias : 0, c, N, scratch, act, ALPHA, BETA);
						if (act === 0 && !withBias) {
							// The header and codes linear8 quantized A into: ORT's scale, zero point and values.
							const mem = h.k.memory.buffer;
							expect(new Float32Array(mem, scratch, 1)[0]).toBe(ref.sa);
							expect(new Int32Array(mem, scratch + 4, 1)[0]).toBe(ref.zp);
							const codes = new Uint8Array(mem, scratch + 16, M * K);
							let off = 0;
							for (let i = 0; i < M * K; i++) if (codes[i] !== (ref.qa[i] as number) + ref.zp) off++;
							expect(off, "codes off DynamicQuantizeLinear's").toBe(0);
						}
						const got = h.read(c, M * N);
						const exact = dots.map((s, i) =>
							actRef(
								s * ref.sa * (ref.sb[i % N] as number) + (withBias ? (biasv[i % N] as number) : 0),
								act,
								ALPHA,
								BETA,
							),
						);
						const q = maxErr(got, exact);
						expect(q.err, `act ${act} bias ${withBias} vs quantized`).toBeLessThanOrEqual(2e-6 * Math.max(1, q.mag));
						// Against the float product: quantization noise, 1.2 % of the largest |A.B + bias|
						// (measured up to 0.52 % without an activation; the activations' slopes stay below 1.5).
						const pre = maxErr(got, gemmRef(av, bv, withBias ? biasv : null, M, K, N, 0)).mag;
						const fl = maxErr(got, gemmRef(av, bv, withBias ? biasv : null, M, K, N, act));
						expect(fl.err, `act ${act} bias ${withBias} vs float`).toBeLessThanOrEqual(0.012 * Math.max(1e-3, pre));
					}
				}
				expect(h.guardsIntact()).toBe(true);
			});
		}
	}

	it("linear8 reads nothing past an A that ends linear memory", () => {
		for (const [M, K, N] of [
			[3, 13, 5],
			[5, 20, 9],
			[1, 7, 3],
			[9, 32, 4],
		]) {
			const h = new Harness();
			const av = randomFloats(M * K, 77, -2, 1);
			const bv = randomFloats(K * N, 78, -0.5, 0.5);
			const b = h.load(bv);
			const wp = h.alloc(h.call("conv8PackedBytes", N, K, 1, 1) / 4);
			h.call("linear8Pack", b, wp, K, N);
			const scratch = h.alloc(h.call("linear8ScratchBytes", M, K) / 4);
			const c = h.alloc(M * N);
			const a = h.put(h.allocAtEnd(M * K), av);
			h.call("linear8", a, M, K, wp, 0, c, N, scratch, 0, ALPHA, BETA);
			const ref = quantizeRef(av, bv, M, K, N);
			const got = h.read(c, M * N);
			const exact = new Float64Array(M * N);
			for (let i = 0; i < M; i++)
				for (let j = 0; j < N; j++) {
					let s = 0;
					for (let k = 0; k < K; k++) s += (ref.qa[i * K + k] as number) * (ref.qb[k * N + j] as number);
					exact[i * N + j] = s * ref.sa * (ref.sb[j] as number);
				}
			const q = maxErr(got, exact);
			expect(q.err).toBeLessThanOrEqual(2e-6 * Math.max(1, q.mag));
			expect(h.guardsIntact()).toBe(true);
		}
	});
});
