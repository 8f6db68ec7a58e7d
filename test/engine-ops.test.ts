import { describe, expect, it } from "vitest";
import { actRef, Harness, maxErr, randomFloats } from "./helpers/engineKernel";

// The element-wise, normalisation, pooling and layout kernels of
// build/kernels/infer.wasm against plain loops on seeded random data.
// Tolerances: sigmoid and swish 2e-6 absolute (the engine spec); arithmetic,
// copies, max pooling, resize and transpose exact; the rest as stated.

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

describe("engine unary", () => {
	const names = ["", "relu", "hardsigmoid", "hardswish", "sigmoid", "swish", "sqrt", "copy"];
	for (const n of [1, 3, 4, 17, 1001]) {
		it(`every op on ${n} floats, in place and not`, () => {
			for (let op = 1; op <= 7; op++) {
				const xv = op === 6 ? randomFloats(n, n + op, 0, 9) : randomFloats(n, n + op, -9, 9);
				const want = Array.from(xv, (v) =>
					op === 6 ? Math.fround(Math.sqrt(v)) : op === 7 ? v : actRef(v, op, ALPHA, BETA),
				);
				const tol = op === 4 || op === 5 ? 2e-6 : op === 6 || op === 7 || op === 1 ? 0 : 1e-6;
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

describe("engine row reductions", () => {
	for (const [rows, cols] of [
		[80, 120],
		[80, 240],
		[3, 7],
		[5, 1],
		[2, 6625],
	]) {
		it(`layerNorm and softmax over ${rows} rows of ${cols}`, () => {
			const h = new Harness();
			const xv = randomFloats(rows * cols, rows + cols, -6, 10);
			const g = randomFloats(cols, 61, 0.5, 2);
			const be = randomFloats(cols, 62);
			const x = h.load(xv);
			const gamma = h.load(g);
			const beta = h.load(be);
			const y = h.alloc(rows * cols);
			const eps = 1e-6;
			h.call("layerNorm", x, gamma, beta, y, rows, cols, eps);
			const ln: number[] = [];
			const sm: number[] = [];
			for (let r = 0; r < rows; r++) {
				const v = Array.from(xv.subarray(r * cols, (r + 1) * cols));
				const mean = v.reduce((s, t) => s + t, 0) / cols;
				const vr = v.reduce((s, t) => s + (t - mean) ** 2, 0) / cols;
				for (let i = 0; i < cols; i++) ln.push(((v[i] - mean) / Math.sqrt(vr + eps)) * g[i] + be[i]);
				const m = Math.max(...v);
				const e = v.map((t) => Math.exp(t - m));
				const s = e.reduce((p, t) => p + t, 0);
				for (const t of e) sm.push(t / s);
			}
			// Normalised values are O(1) times gamma (<= 2): 1e-5 absolute is ~40 ulp.
			expect(maxErr(h.read(y, rows * cols), ln).err).toBeLessThanOrEqual(1e-5);
			for (const inPlace of [false, true]) {
				const yy = inPlace ? h.load(xv) : y;
				h.call("softmax", inPlace ? yy : x, yy, rows, cols);
				const got = h.read(yy, rows * cols);
				// Relative per element: the polynomial exp is good to ~2e-7, the row sum to a few ulp.
				let rel = 0;
				for (let i = 0; i < sm.length; i++) rel = Math.max(rel, Math.abs(got[i] - sm[i]) / sm[i]);
				expect(rel).toBeLessThanOrEqual(2e-6);
			}
			expect(h.guardsIntact()).toBe(true);
		});
	}

	it("globalAvgPool averages each plane", () => {
		for (const [c, hw] of [
			[5, 1],
			[3, 7],
			[16, 3600],
			[960, 4],
		]) {
			const h = new Harness();
			const xv = randomFloats(c * hw, c + hw, -1, 3);
			const x = h.load(xv);
			const y = h.alloc(c);
			h.call("globalAvgPool", x, y, c, hw);
			const want = Array.from(
				{ length: c },
				(_, ch) => xv.subarray(ch * hw, (ch + 1) * hw).reduce((s, t) => s + t, 0) / hw,
			);
			expect(maxErr(h.read(y, c), want).err).toBeLessThanOrEqual(1e-6 * 3);
			expect(h.guardsIntact()).toBe(true);
		}
	});
});

function poolRef(kind: number, x: Float32Array, c: number, hh: number, w: number, p: number[], incl: number): number[] {
	const [kh, kw, sh, sw, pt, pl, pb, pr] = p;
	const oh = Math.floor((hh + pt + pb - kh) / sh) + 1;
	const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
	const out: number[] = [];
	for (let ch = 0; ch < c; ch++)
		for (let oy = 0; oy < oh; oy++)
			for (let ox = 0; ox < ow; ox++) {
				let acc = kind === 1 ? -Infinity : 0;
				let cells = 0;
				for (let ky = 0; ky < kh; ky++)
					for (let kx = 0; kx < kw; kx++) {
						const iy = oy * sh - pt + ky;
						const ix = ox * sw - pl + kx;
						if (iy < 0 || iy >= hh || ix < 0 || ix >= w) continue;
						const v = x[(ch * hh + iy) * w + ix];
						acc = kind === 1 ? Math.max(acc, v) : acc + v;
						cells++;
					}
				out.push(kind === 1 ? acc : acc / (incl ? kh * kw : cells));
			}
	return out;
}

describe("engine pooling, resize, transpose", () => {
	// [kh, kw, sh, sw, pt, pl, pb, pr]
	const pools = [
		[2, 2, 2, 2, 0, 0, 0, 0],
		[3, 3, 1, 1, 1, 1, 1, 1],
		[3, 2, 3, 2, 0, 0, 0, 0],
		[3, 3, 2, 2, 1, 0, 2, 1],
		[1, 1, 1, 1, 0, 0, 0, 0],
		[5, 5, 2, 1, 2, 2, 2, 2],
	];
	for (const p of pools) {
		it(`pool2d k${p[0]}x${p[1]} s${p[2]}x${p[3]} pads ${p.slice(4).join(",")}`, () => {
			const [c, hh, w] = [3, 11, 13];
			const h = new Harness();
			const xv = randomFloats(c * hh * w, 71, -2, 2);
			const x = h.load(xv);
			const oh = Math.floor((hh + p[4] + p[6] - p[0]) / p[2]) + 1;
			const ow = Math.floor((w + p[5] + p[7] - p[1]) / p[3]) + 1;
			const y = h.alloc(c * oh * ow);
			for (const [kind, incl] of [
				[0, 0],
				[0, 1],
				[1, 0],
			]) {
				h.call("pool2d", kind, x, y, c, hh, w, ...p, incl);
				const { err } = maxErr(h.read(y, c * oh * ow), poolRef(kind, xv, c, hh, w, p, incl));
				expect(err, `kind ${kind} incl ${incl}`).toBeLessThanOrEqual(kind === 1 ? 0 : 1e-6);
			}
			expect(h.guardsIntact()).toBe(true);
		});
	}

	for (const [c, hh, w, oh, ow] of [
		[3, 5, 7, 10, 14],
		[2, 4, 6, 12, 18],
		[2, 5, 7, 7, 5],
		[1, 3, 9, 8, 17],
		[4, 6, 6, 6, 6],
	]) {
		it(`resizeNearest ${hh}x${w} -> ${oh}x${ow}`, () => {
			const h = new Harness();
			const xv = randomFloats(c * hh * w, 81);
			const x = h.load(xv);
			const y = h.alloc(c * oh * ow);
			h.call("resizeNearest", x, y, c, hh, w, oh, ow);
			const want: number[] = [];
			for (let ch = 0; ch < c; ch++)
				for (let oy = 0; oy < oh; oy++)
					for (let ox = 0; ox < ow; ox++)
						want.push(xv[(ch * hh + Math.floor((oy * hh) / oh)) * w + Math.floor((ox * w) / ow)]);
			expect(Array.from(h.read(y, c * oh * ow))).toEqual(want);
			expect(h.guardsIntact()).toBe(true);
		});
	}

	for (const [d, p] of [
		[
			[1, 1, 1, 12, 80],
			[0, 1, 2, 4, 3],
		],
		[
			[1, 2, 3, 5, 7],
			[0, 3, 1, 4, 2],
		],
		[
			[2, 3, 4, 5, 6],
			[4, 3, 2, 1, 0],
		],
		[
			[1, 80, 3, 8, 5],
			[0, 2, 3, 1, 4],
		],
		[
			[1, 1, 7, 1, 9],
			[0, 1, 2, 3, 4],
		],
	]) {
		it(`transpose ${d.join("x")} by ${p.join(",")}`, () => {
			const h = new Harness();
			const n = d.reduce((s, t) => s * t, 1);
			const xv = randomFloats(n, 91);
			const x = h.load(xv);
			const y = h.alloc(n);
			h.call("transpose", x, y, ...d, ...p);
			const st = [d[1] * d[2] * d[3] * d[4], d[2] * d[3] * d[4], d[3] * d[4], d[4], 1];
			const e = p.map((q) => d[q]);
			const want: number[] = [];
			for (let i0 = 0; i0 < e[0]; i0++)
				for (let i1 = 0; i1 < e[1]; i1++)
					for (let i2 = 0; i2 < e[2]; i2++)
						for (let i3 = 0; i3 < e[3]; i3++)
							for (let i4 = 0; i4 < e[4]; i4++) {
								const idx = [i0, i1, i2, i3, i4];
								let src = 0;
								for (let k = 0; k < 5; k++) src += idx[k] * st[p[k]];
								want.push(xv[src]);
							}
			expect(Array.from(h.read(y, n))).toEqual(want);
			expect(h.guardsIntact()).toBe(true);
		});
	}

	it("heapBase is 64-byte aligned", () => {
		const h = new Harness();
		expect(h.k.heapBase() % 64).toBe(0);
		expect(h.k.heapBase()).toBeGreaterThan(0);
	});
});
