import { describe, expect, it } from "vitest";
import { actRef, Harness, maxErr, randomFloats } from "./helpers/engineKernel";

// The element-wise kernels of build/kernels/infer.wasm (binary with every
// broadcast pattern of the engine, unary) against plain loops on seeded
// random data. Tolerances: arithmetic, relu, sqrt, copy and affine exact; sigmoid and
// swish 2e-6 absolute (the engine spec); hard sigmoid/swish 1e-6.

const ALPHA = 1 / 6;
const BETA = 0.5;

const OPS = [
	(x: number, y: number) => Math.fround(x + y),
	(x: number, y: number) => Math.fround(x - y),
	(x: number, y: number) => Math.fround(x * y),
	(x: number, y: number) => Math.fround(x / y),
];

describe("engine binary", () => {
	// [n0, n1, n2, as0, as1, as2, bs0, bs1, bs2, what]
	const cases: [number, number, number, number, number, number, number, number, number, string][] = [
		[1, 1, 1003, 0, 0, 1, 0, 0, 1, "same shape"],
		[3, 5, 7, 35, 7, 1, 35, 7, 1, "same shape, 3-d"],
		[1, 19, 37, 0, 37, 1, 0, 1, 0, "per-channel b over planes"],
		[1, 19, 37, 0, 1, 0, 0, 37, 1, "per-channel a over planes"],
		[1, 1, 999, 0, 0, 1, 0, 0, 0, "b scalar"],
		[2, 3, 5, 0, 0, 0, 15, 5, 1, "a scalar"],
		[4, 6, 10, 60, 10, 1, 0, 0, 1, "b row broadcast over rows"],
		[4, 6, 10, 0, 10, 1, 60, 10, 1, "a broadcast over the outer dim"],
		[5, 9, 3, 27, 3, 1, 1, 5, 45, "b transposed"],
		[2, 7, 11, 77, 1, 7, 77, 11, 1, "a strided inner"],
		[6, 1, 1, 1, 0, 0, 0, 0, 0, "unit dims"],
		[3, 4, 1, 4, 1, 0, 0, 1, 0, "n2 = 1 with per-channel b"],
	];
	for (const [n0, n1, n2, as0, as1, as2, bs0, bs1, bs2, what] of cases) {
		it(`${what} (${n0}x${n1}x${n2}), every op, exact`, () => {
			const h = new Harness();
			const span = (s0: number, s1: number, s2: number) => (n0 - 1) * s0 + (n1 - 1) * s1 + (n2 - 1) * s2 + 1;
			const av = randomFloats(span(as0, as1, as2), 31, -4, 4);
			const bv = randomFloats(span(bs0, bs1, bs2), 32, 0.25, 4);
			const a = h.load(av);
			const b = h.load(bv);
			const n = n0 * n1 * n2;
			const y = h.alloc(n);
			for (let op = 0; op < 4; op++) {
				h.call("binary", op, a, b, y, n0, n1, n2, as0, as1, as2, bs0, bs1, bs2);
				const got = h.read(y, n);
				const want = new Float32Array(n);
				for (let i0 = 0, o = 0; i0 < n0; i0++)
					for (let i1 = 0; i1 < n1; i1++)
						for (let i2 = 0; i2 < n2; i2++, o++)
							want[o] = OPS[op](av[i0 * as0 + i1 * as1 + i2 * as2], bv[i0 * bs0 + i1 * bs1 + i2 * bs2]);
				expect(Array.from(got), `op ${op}`).toEqual(Array.from(want));
			}
			expect(h.guardsIntact()).toBe(true);
		});
	}

	it("writes in place over a or b", () => {
		const n = 1031;
		const av = randomFloats(n, 41);
		const bv = randomFloats(n, 42, 0.5, 2);
		for (const into of ["a", "b"]) {
			const h = new Harness();
			const a = h.load(av);
			const b = h.load(bv);
			h.call("binary", 3, a, b, into === "a" ? a : b, 1, 1, n, 0, 0, 1, 0, 0, 1);
			const got = h.read(into === "a" ? a : b, n);
			expect(Array.from(got)).toEqual(Array.from(av, (v, i) => OPS[3](v, bv[i])));
		}
		const h = new Harness();
		const c = 7;
		const hw = 61;
		const planes = randomFloats(c * hw, 43);
		const a = h.load(planes);
		const b = h.load(bv.subarray(0, c));
		h.call("binary", 2, a, b, a, 1, c, hw, 0, hw, 1, 0, 1, 0);
		expect(Array.from(h.read(a, c * hw))).toEqual(Array.from(planes, (v, i) => OPS[2](v, bv[Math.floor(i / hw)])));
	});

	it("reads nothing past operands that end linear memory", () => {
		const n = 1028;
		const h = new Harness();
		const av = randomFloats(n, 44);
		const y = h.alloc(n);
		const b = h.load([3]);
		const a = h.put(h.allocAtEnd(n), av);
		h.call("binary", 0, a, b, y, 1, 1, n, 0, 0, 1, 0, 0, 0);
		expect(Array.from(h.read(y, n))).toEqual(Array.from(av, (v) => OPS[0](v, 3)));
		h.call("unary", 5, a, y, n, 0, 0);
		expect(
			maxErr(
				h.read(y, n),
				Array.from(av, (v) => actRef(v, 5, 0, 0)),
			).err,
		).toBeLessThanOrEqual(2e-6);
	});
});

describe("engine upsampleAdd", () => {
	// [planes, h, w, sh, sw]: the pyramid's 2x2, odd widths for the vector tail, other factors.
	const cases: [number, number, number, number, number][] = [
		[3, 5, 13, 2, 2],
		[2, 4, 16, 2, 2],
		[1, 3, 3, 2, 2],
		[2, 3, 9, 1, 1],
		[2, 2, 7, 3, 3],
		[1, 4, 5, 1, 2],
	];
	for (const [planes, hb, wb, sh, sw] of cases) {
		it(`${planes} planes of ${hb}x${wb} up ${sh}x${sw}, exact, in place too`, () => {
			const oh = hb * sh;
			const ow = wb * sw;
			const n = planes * oh * ow;
			const av = randomFloats(n, 51 + wb, -4, 4);
			const bv = randomFloats(planes * hb * wb, 52 + wb, -4, 4);
			const want = Array.from(av, (v, i) => {
				const p = Math.floor(i / (oh * ow));
				const r = Math.floor((i % (oh * ow)) / ow);
				const c = i % ow;
				return OPS[0](v, bv[(p * hb + Math.floor(r / sh)) * wb + Math.floor(c / sw)]);
			});
			for (const inPlace of [false, true]) {
				const h = new Harness();
				const a = h.load(av);
				const b = h.load(bv);
				const y = inPlace ? a : h.alloc(n);
				h.call("upsampleAdd", a, b, y, planes, hb, wb, sh, sw);
				expect(Array.from(h.read(y, n))).toEqual(want);
				expect(h.guardsIntact()).toBe(true);
			}
		});
	}
});

describe("engine unary", () => {
	const names = ["", "relu", "hardsigmoid", "hardswish", "sigmoid", "swish", "sqrt", "copy", "affine"];
	// Op 8 is a scalar Mul then a scalar Add, rounded as those two ops round.
	const affine = (v: number) => Math.fround(Math.fround(v * Math.fround(ALPHA)) + BETA);
	for (const n of [1, 3, 4, 17, 1001]) {
		it(`every op on ${n} floats, in place and not`, () => {
			for (let op = 1; op <= 8; op++) {
				const xv = op === 6 ? randomFloats(n, n + op, 0, 9) : randomFloats(n, n + op, -9, 9);
				const want = Array.from(xv, (v) =>
					op === 6 ? Math.fround(Math.sqrt(v)) : op === 7 ? v : op === 8 ? affine(v) : actRef(v, op, ALPHA, BETA),
				);
				const tol = op === 4 || op === 5 ? 2e-6 : op === 2 || op === 3 ? 1e-6 : 0;
				for (const inPlace of [false, true]) {
					const h = new Harness();
					const x = h.load(xv);
					const y = inPlace ? x : h.alloc(n);
					h.call("unary", op, x, y, n, ALPHA, BETA);
					expect(maxErr(h.read(y, n), want).err, `${names[op]} in place ${inPlace}`).toBeLessThanOrEqual(tol);
					expect(h.guardsIntact()).toBe(true);
				}
			}
		});
	}

	it("sigmoid and swish stay within 2e-6 out to the tails", () => {
		const h = new Harness();
		const xv = randomFloats(4096, 51, -100, 100);
		const x = h.load(xv);
		const y = h.alloc(xv.length);
		for (const op of [4, 5]) {
			h.call("unary", op, x, y, xv.length, 0, 0);
			const want = Array.from(xv, (v) => actRef(v, op, 0, 0));
			const got = h.read(y, xv.length);
			// swish is v * sigmoid(v): for |v| up to 100 the f32 result itself is only good to an ulp of v.
			for (let i = 0; i < xv.length; i++) {
				const tol = op === 4 ? 2e-6 : Math.max(2e-6, Math.abs(want[i]) * 1.2e-7);
				expect(Math.abs(got[i] - want[i]), `op ${op} at ${xv[i]}`).toBeLessThanOrEqual(tol);
			}
		}
	});
});
