import { describe, expect, it } from "vitest";
import { activation, type ConvShape, outSize, refConv } from "./helpers/convRef";
import { Harness, offAffine, POST_A, POST_B, randomFloats } from "./helpers/engineKernel";
import { conv8Ref, dynamicQuantize, quantizeWeights } from "./helpers/q8Ref";

// The int8 convolutions of build/kernels/infer.wasm against a TypeScript
// replay of the 8-bit recogniser's numerics (helpers/q8Ref.ts): conv8Pack's
// weights under quantizeU8 + conv8 (8-bit input codes, split into 7 low bits
// and a flagged high bit) and quantize7 + conv8 (7-bit codes). Codes, scale and zero
// point equal, outputs before a smooth activation bit-equal, and against the
// float conv of the same data within the quantization noise. The u8 input
// ends flush with wasm memory, so a read past it traps; every written buffer
// is framed by guards.

const ALPHA = 1 / 6;
const BETA = 0.5;
// Sigmoid and swish go through the kernels' exp approximation (2e-6 absolute by the spec).
const ACT_ERR = 2e-6;
// Quantization noise against the float conv, as a share of the largest |y| (no
// activation). Measured with 8-bit codes: 2.7e-3 to 5.7e-3 over the shapes below
// (worst 1x1 480->18 @1x131); 7-bit codes have twice the step.
const FLOAT_ERR = { 255: 0.01, 127: 0.02 };

/** conv8 on either kind of input codes: its bits and how they are quantized. */
const KINDS = [
	{ name: "conv8 on 8-bit codes", bits: 8, quantize: "quantizeU8", levels: 255 },
	{ name: "conv8 on 7-bit codes", bits: 7, quantize: "quantize7", levels: 127 },
] as const;

const shape = (cin: number, h: number, w: number, cout: number, kh = 1, kw = 1, s = [1, 1], p = [0, 0, 0, 0]) =>
	({ cin, h, w, cout, kh, kw, sh: s[0], sw: s[1], pt: p[0], pl: p[1], pb: p[2], pr: p[3], group: 1 }) as ConvShape;

const args = (s: ConvShape) => [s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.pb, s.pr];

/** Values within 3 ulps of the rounding ties of the codes, with the range -1..2
 * so that the scale is known: where x / scale and x * (1 / scale) part ways. */
function nearTies(): Float32Array {
	const scale = Math.fround(3 / 255);
	const out = [-1, 2];
	const bits = new Int32Array(1);
	const val = new Float32Array(bits.buffer);
	for (let k = -85; k < 170; k++) {
		val[0] = (k + 0.5) * scale;
		const at = bits[0];
		for (let d = -3; d <= 3; d++) {
			bits[0] = at + d;
			out.push(val[0]);
		}
	}
	return Float32Array.from(out);
}

/** u8 bytes placed so that their last byte is the last byte of memory. */
function bytesAtEnd(h: Harness, data: Uint8Array): number {
	h.allocAtEnd(Math.ceil(data.length / 4) + 4);
	const at = h.k.memory.buffer.byteLength - data.length;
	new Uint8Array(h.k.memory.buffer, at, data.length).set(data);
	return at;
}

for (const kind of KINDS)
	describe(kind.quantize, () => {
		const cases: [string, Float32Array][] = [
			["one value", Float32Array.of(0.3)],
			["all zero", new Float32Array(37)],
			["all positive", randomFloats(33, 3, 0.5, 4)],
			["all negative", randomFloats(19, 4, -3, -0.25)],
			["mixed, 16 lanes", randomFloats(16, 5, -1, 2)],
			["mixed, odd length", randomFloats(4099, 6, -0.7, 2.3)],
			["large", randomFloats(300_001, 7, -0.7, 2.3)],
			["near the ties", nearTies()],
			// scale exactly 1: x and the zero point on halves, rounded to even.
			["ties", Float32Array.of(0, 255, 2.5, 3.5, 100.5, 101.5, 254.5, 0.5, 1.5)],
			["zero point on a tie", Float32Array.of(-127.5, 127.5, -0.5, 0.5, 1.5, -1.5, 3)],
		];
		for (const [name, x] of cases) {
			it(`${name} (n = ${x.length}): codes, scale and zero point of DynamicQuantizeLinear (${kind.levels} levels)`, () => {
				const h = new Harness();
				const q = h.alloc(Math.ceil(x.length / 4));
				const params = h.alloc(h.call("q8ParamsBytes") / 4);
				// x ends flush with memory when its length allows it.
				const xp = h.put(h.allocAtEnd(x.length), x);
				h.call(kind.quantize, xp, x.length, q, params);
				const want = dynamicQuantize(x, kind.levels);
				const mem = h.k.memory.buffer;
				expect(new Float32Array(mem, params, 1)[0]).toBe(want.scale);
				expect(new Int32Array(mem, params + 4, 1)[0]).toBe(want.zp);
				expect(Array.from(new Uint8Array(mem, q, x.length))).toEqual(Array.from(want.q));
				expect(h.guardsIntact()).toBe(true);
			});
		}

		it("rounds the tie cases to even", () => {
			const want = dynamicQuantize(Float32Array.of(0, kind.levels, 2.5, 3.5), kind.levels);
			expect([want.scale, want.zp, ...want.q]).toEqual([1, 0, 0, kind.levels, 2, 4]);
			const half = kind.levels / 2;
			expect(dynamicQuantize(Float32Array.of(-half, half), kind.levels).zp).toBe(kind.levels === 255 ? 128 : 64);
		});
	});

for (const kind of KINDS)
	describe(kind.name, () => {
		const shapes: [string, ConvShape][] = [
			["1x1 16->32 @1x20", shape(16, 1, 20, 32)],
			["1x1 64->128 @6x400", shape(64, 6, 400, 128)],
			["1x1 32->64 @12x800", shape(32, 12, 800, 64)],
			["1x1 16->32 @24x1600", shape(16, 24, 1600, 32)],
			["1x1 480->120 @1x80", shape(480, 1, 80, 120)],
			["1x1 480->18 @1x131 (last chunk under 8 pixels)", shape(480, 1, 131, 18)],
			["1x1 120->480 @1x1 (SE)", shape(120, 1, 1, 480)],
			["1x1 240->60 @3x400", shape(240, 3, 400, 60)],
			["1x1 960->240 @1x37", shape(960, 1, 37, 240)],
			["1x1 odd 17->7 @1x13", shape(17, 1, 13, 7)],
			["1x1 odd 33->9 @3x5", shape(33, 3, 5, 9)],
			["1x1 1->5 @2x3", shape(1, 2, 3, 5)],
			["1x1 odd 45->10 @1x1", shape(45, 1, 1, 10)],
			["1x1 odd 21->6 @1x7", shape(21, 1, 7, 6)],
			["stem 3x3 s2 3->16 @48x320", shape(3, 48, 320, 16, 3, 3, [2, 2], [1, 1, 1, 1])],
			["stem 3x3 s2 3->16 @48x77", shape(3, 48, 77, 16, 3, 3, [2, 2], [1, 1, 1, 1])],
			["1x3 480->60 @1x80", shape(480, 1, 80, 60, 1, 3, [1, 1], [0, 1, 0, 1])],
			["1x3 960->60 @1x41", shape(960, 1, 41, 60, 1, 3, [1, 1], [0, 1, 0, 1])],
			["1x3 960->60 @1x1", shape(960, 1, 1, 60, 1, 3, [1, 1], [0, 1, 0, 1])],
			["3x3 s1 pads 1,2,0,1 5->6 @7x9", shape(5, 7, 9, 6, 3, 3, [1, 1], [1, 2, 0, 1])],
			["3x3 s2x1 7->5 @9x10", shape(7, 9, 10, 5, 3, 3, [2, 1], [1, 1, 1, 1])],
			["3x2 s1x3 4->3 @6x17", shape(4, 6, 17, 3, 3, 2, [1, 3], [0, 1, 2, 0])],
			["5x5 s2 3->8 @11x13", shape(3, 11, 13, 8, 5, 5, [2, 2], [2, 2, 2, 2])],
		];
		for (const [name, s] of shapes) {
			it(`${name}: every activation equals the integer replay; near the float conv`, () => {
				const seed = s.cin * 131 + s.w * 7 + s.kh;
				checkConv(s, randomFloats(s.cin * s.h * s.w, seed, -0.7, 2.3), seed);
			});
		}
		// As in the recogniser past its first conv: few codes of 128 or more, so most
		// panels list no block, and the blocks listed have one half or both.
		for (const [name, s] of [
			["1x1 480->120 @1x80", shape(480, 1, 80, 120)],
			["1x1 64->128 @6x40", shape(64, 6, 40, 128)],
			["1x1 100->20 @3x21 (odd blocks)", shape(100, 3, 21, 20)],
			["1x3 960->60 @1x41", shape(960, 1, 41, 60, 1, 3, [1, 1], [0, 1, 0, 1])],
		] as [string, ConvShape][]) {
			it(`${name}, 1 % high codes: every activation equals the integer replay`, () => {
				const seed = s.cin * 17 + s.w;
				const x = randomFloats(s.cin * s.h * s.w, seed, -0.4, 0.9);
				const spikes = randomFloats(x.length, seed + 5, 0, 1);
				for (let i = 0; i < x.length; i++) if ((spikes[i] as number) < 0.01) x[i] = 2.3;
				checkConv(s, x, seed, false);
			});
		}

		/** conv8 against the integer replay, and (`nearFloat`) the float conv within the quantization noise. */
		// Rows at levels of their own, as channels after a bias: most rows' smallest codes are far
		// from 0, the case the packer's row offsets are for (some rows still span the range).
		for (const [name, s] of [
			["1x1 240->60 @3x40", shape(240, 3, 40, 60)],
			["1x1 33->9 @3x5 (odd blocks)", shape(33, 3, 5, 9)],
			["1x3 480->60 @1x80", shape(480, 1, 80, 60, 1, 3, [1, 1], [0, 1, 0, 1])],
		] as [string, ConvShape][]) {
			it(`${name}, rows at their own levels: every activation equals the integer replay`, () => {
				const seed = s.cin * 29 + s.w;
				const plane = s.h * s.w;
				const level = randomFloats(s.cin, seed, -0.7, 2.1);
				const x = randomFloats(s.cin * plane, seed + 3, 0, 0.3);
				const spikes = randomFloats(x.length, seed + 4, 0, 1);
				for (let i = 0; i < x.length; i++)
					x[i] = (spikes[i] as number) < 0.005 ? 2.3 : (x[i] as number) + (level[Math.floor(i / plane)] as number);
				checkConv(s, x, seed, false);
			});
		}

		function checkConv(s: ConvShape, x: Float32Array, seed: number, nearFloat = true): void {
			{
				const { oh, ow } = outSize(s);
				const n = s.cin * s.h * s.w;
				const ny = s.cout * oh * ow;
				const wt = randomFloats(s.cout * s.cin * s.kh * s.kw, seed + 1, -0.4, 0.4);
				const biasv = randomFloats(s.cout, seed + 2, -0.5, 0.5);
				const xq = dynamicQuantize(x, kind.levels);
				const ref = {
					plain: conv8Ref(s, xq, quantizeWeights(wt, s.cout), null),
					biased: conv8Ref(s, xq, quantizeWeights(wt, s.cout), biasv),
				};

				const h = new Harness();
				const src = h.load(wt);
				const wp = h.alloc(h.call("conv8PackedBytes", s.cout, s.cin, s.kh, s.kw) / 4);
				h.call("conv8Pack", src, wp, s.cout, s.cin, s.kh, s.kw);
				const bias = h.load(biasv);
				const params = h.alloc(h.call("q8ParamsBytes") / 4);
				const scratch = h.alloc(h.call("conv8ScratchBytes", kind.bits, ...args(s)) / 4);
				const y = h.alloc(ny);
				const xf = h.load(x);
				const q = bytesAtEnd(h, new Uint8Array(n));
				h.call(kind.quantize, xf, n, q, params);

				for (const withBias of [false, true]) {
					const pre = withBias ? ref.biased : ref.plain;
					for (let act = 0; act <= 5; act++) {
						h.f32(y, ny).fill(Number.NaN);
						h.call("conv8", kind.bits, q, params, wp, withBias ? bias : 0, y, scratch, ...args(s), act, ALPHA, BETA);
						const got = h.read(y, ny);
						const fn = activation(act, ALPHA, BETA);
						let off = 0;
						let err = 0;
						for (let i = 0; i < ny; i++) {
							if (act <= 1) {
								if (got[i] !== Math.fround(fn(pre[i]))) off++;
							} else {
								const d = Math.abs(got[i] - fn(pre[i])) / Math.max(1, Math.abs(pre[i]));
								err = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(err, d);
							}
						}
						expect(off, `act ${act} bias ${withBias}: outputs differing`).toBe(0);
						expect(err, `act ${act} bias ${withBias}`).toBeLessThanOrEqual(ACT_ERR);
						// With a post affine on: the bits of an Affine pass over that output.
						h.call("setPost", 1, POST_A, POST_B);
						try {
							h.call("conv8", kind.bits, q, params, wp, withBias ? bias : 0, y, scratch, ...args(s), act, ALPHA, BETA);
						} finally {
							h.call("setPost", 0, 1, 0);
						}
						const offPost = offAffine(got, h.read(y, ny));
						expect(offPost, `act ${act} bias ${withBias}: off the Affine's bits with the post affine`).toBe(0);
					}
				}
				expect(h.guardsIntact()).toBe(true);

				if (!nearFloat) return;
				// Against the float conv in f64: quantization noise only.
				const fl = refConv(s, x, wt, biasv, 0, ALPHA, BETA).y;
				h.call("conv8", kind.bits, q, params, wp, bias, y, scratch, ...args(s), 0, ALPHA, BETA);
				const got = h.read(y, ny);
				let err = 0;
				let mag = 0;
				for (let i = 0; i < ny; i++) {
					err = Math.max(err, Math.abs(got[i] - fl[i]));
					mag = Math.max(mag, Math.abs(fl[i]));
				}
				expect(err / mag, `vs float: max err ${err.toExponential(2)} of max |y| ${mag.toFixed(3)}`).toBeLessThanOrEqual(
					FLOAT_ERR[kind.levels],
				);
			}
		}

		it("needs scratch for one chunk of pixels, not the plane", () => {
			const h = new Harness();
			const bytes = (s: ConvShape) => h.call("conv8ScratchBytes", kind.bits, ...args(s));
			// 1x1: low panels of about 64 KiB; for 8-bit codes as much again of high panels, per
			// panel of 8 pixels a list of its flagged blocks (a u16 count and at most one u16 per
			// 4 k) and a row offset per k.
			const flags = (k: number, n: number) =>
				((Math.ceil(n / 8) * (Math.ceil(k / 4) + 1) * 2 + 15) & ~15) + ((Math.ceil(k / 4) * 4 + 15) & ~15);
			const eight = kind.levels === 255;
			expect(bytes(shape(16, 24, 1600, 32))).toBe(bytes(shape(16, 24, 3200, 32)));
			expect(bytes(shape(16, 24, 1600, 32))).toBe(eight ? 2 * 65536 + flags(16, 4096) : 65536);
			// 1x3 960->60: 128 pixels of panels and of the u8 im2col.
			const wide = bytes(shape(960, 1, 800, 60, 1, 3, [1, 1], [0, 1, 0, 1]));
			expect(wide).toBe(bytes(shape(960, 1, 1600, 60, 1, 3, [1, 1], [0, 1, 0, 1])));
			expect(wide).toBe(2880 * 128 * (eight ? 3 : 2) + (eight ? flags(2880, 128) : 0));
		});
	});
