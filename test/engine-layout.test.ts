import { describe, expect, it } from "vitest";
import { Harness, maxErr, randomFloats } from "./helpers/engineKernel";

// The row reductions, pooling and layout kernels of build/kernels/infer.wasm
// against plain loops on seeded random data. Tolerances: max pooling, resize
// and transpose exact; layer norm 1e-5 absolute; softmax 2e-6 relative per
// element; average pooling 1e-6 and global average 3e-6 absolute.

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
		[
			[1, 8, 16, 15, 1],
			[0, 2, 1, 3, 4],
		],
		[
			[2, 3, 1, 4, 5],
			[1, 0, 2, 3, 4],
		],
		[
			[3, 1, 4, 1, 6],
			[4, 2, 0, 1, 3],
		],
		[
			[1, 2, 3, 4, 70],
			[2, 1, 0, 3, 4],
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
