import { describe, expect, it } from "vitest";
import inferModule from "../build/kernels/infer.wasm";
import { type ConvShape, outSize, refConv, refConvTranspose, seeded } from "./helpers/convRef";
import { offAffine, POST_A, POST_B } from "./helpers/engineKernel";

// The conv kernels of build/kernels/infer.wasm against naive f64 loops on
// seeded random data. Error measure: |got - ref| / (1 + sum |w*x| + |bias|),
// the scale f32 rounding of that sum grows with. The input tensor is placed
// flush against the end of wasm memory, so a read past it traps, and every
// written buffer is followed by sentinel bytes that must survive.

interface ConvKernel {
	memory: WebAssembly.Memory;
	heapBase(): number;
	convPackedBytes(cout: number, cinPerGroup: number, kh: number, kw: number, group: number): number;
	convPack(src: number, dst: number, cout: number, cinPerGroup: number, kh: number, kw: number, group: number): void;
	convScratchBytes(...a: number[]): number;
	conv2d(...a: number[]): void;
	convTransposePackedBytes(cin: number, cout: number, kh: number, kw: number): number;
	convTransposePack(src: number, dst: number, cin: number, cout: number, kh: number, kw: number): void;
	convTranspose2d(...a: number[]): void;
	setPost(on: number, a: number, b: number): void;
}

// Measured worst: 2.3e-7 (3x3 24->96, swish).
const MAX_ERR = 2e-6;
const GUARD = 64;
const SENTINEL = 0x7fc0beef;

const k = new WebAssembly.Instance(inferModule, {
	env: {
		abort() {
			throw new Error("infer kernel abort");
		},
	},
}).exports as unknown as ConvKernel;

/** Bump placement above heapBase; `atEnd` puts a buffer flush against the end of memory. */
class Heap {
	top = k.heapBase();
	guarded: { at: number; bytes: number }[] = [];
	take(bytes: number, guard = false): number {
		const at = (this.top + 63) & ~63;
		this.top = at + bytes + (guard ? GUARD : 0);
		this.ensure(this.top);
		if (guard) {
			new Int32Array(k.memory.buffer, at + bytes, GUARD / 4).fill(SENTINEL);
			this.guarded.push({ at: at + bytes, bytes: GUARD });
		}
		return at;
	}
	put(data: Float32Array, guard = false): number {
		const at = this.take(data.byteLength, guard);
		new Float32Array(k.memory.buffer, at, data.length).set(data);
		return at;
	}
	atEnd(data: Float32Array): number {
		this.ensure(this.top + data.byteLength + 16);
		const at = (k.memory.buffer.byteLength - data.byteLength) & ~15;
		new Float32Array(k.memory.buffer, at, data.length).set(data);
		return at;
	}
	ensure(end: number): void {
		const have = k.memory.buffer.byteLength;
		if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
	}
	guardsIntact(): boolean {
		return this.guarded.every((g) => new Int32Array(k.memory.buffer, g.at, g.bytes / 4).every((v) => v === SENTINEL));
	}
	read(at: number, n: number): Float32Array {
		return new Float32Array(k.memory.buffer, at, n).slice();
	}
}

function maxErr(got: Float32Array, ref: Float64Array, mag: Float64Array): number {
	let e = 0;
	for (let i = 0; i < ref.length; i++) {
		const d = Math.abs(got[i] - ref[i]) / (1 + mag[i]);
		if (!(d <= e)) e = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
	}
	return e;
}

const ALPHA = [1, 1, 0.2, 1 / 6, 1, 1];
const BETA = [0, 0, 0.5, 0.5, 0, 0];

/** The conv's output as it lands in memory (with the post affine (a, b) on when given), and its inputs. */
function convOut(s: ConvShape, act: number, withBias: boolean, seed: number, post?: [number, number]) {
	const rnd = seeded(seed);
	const cinPG = s.cin / s.group;
	const x = rnd(s.cin * s.h * s.w);
	const wt = rnd(s.cout * cinPG * s.kh * s.kw);
	const bias = withBias ? rnd(s.cout) : null;
	const { oh, ow } = outSize(s);
	const heap = new Heap();
	const src = heap.put(wt);
	const wp = heap.take(k.convPackedBytes(s.cout, cinPG, s.kh, s.kw, s.group), true);
	k.convPack(src, wp, s.cout, cinPG, s.kh, s.kw, s.group);
	const b = bias ? heap.put(bias, true) : 0;
	const geom = [s.cin, s.h, s.w, s.cout, s.kh, s.kw, s.sh, s.sw, s.pt, s.pl, s.pb, s.pr, s.group];
	const scratch = heap.take(k.convScratchBytes(...geom), true);
	const y = heap.take(s.cout * oh * ow * 4, true);
	const xp = heap.atEnd(x);
	if (post) k.setPost(1, post[0], post[1]);
	try {
		k.conv2d(xp, wp, b, y, scratch, ...geom, act, ALPHA[act], BETA[act]);
	} finally {
		k.setPost(0, 1, 0);
	}
	expect(heap.guardsIntact()).toBe(true);
	expect(heap.read(xp, x.length)).toEqual(x);
	return { y: heap.read(y, s.cout * oh * ow), x, wt, bias };
}

function runConv(s: ConvShape, act: number, withBias: boolean, seed: number): number {
	const { y, x, wt, bias } = convOut(s, act, withBias, seed);
	const ref = refConv(s, x, wt, bias, act, ALPHA[act], BETA[act]);
	return maxErr(y, ref.y, ref.mag);
}

function shape(
	cin: number,
	h: number,
	w: number,
	cout: number,
	kh: number,
	kw: number,
	o: Partial<ConvShape> = {},
): ConvShape {
	const ph = (kh - 1) >> 1;
	const pw = (kw - 1) >> 1;
	return { cin, h, w, cout, kh, kw, sh: 1, sw: 1, pt: ph, pl: pw, pb: ph, pr: pw, group: 1, ...o };
}

const p0 = { pt: 0, pl: 0, pb: 0, pr: 0 };
const dw = (c: number, h: number, w: number, kk: number, sh: number, sw: number, o: Partial<ConvShape> = {}) =>
	shape(c, h, w, c, kk, kk, { sh, sw, group: c, ...o });

const CASES: [string, ConvShape][] = [
	["1x1 8->8 on 1x1", shape(8, 1, 1, 8, 1, 1)],
	["1x1 SE 120->30 on 1x1", shape(120, 1, 1, 30, 1, 1)],
	["1x1 SE 30->120 on 1x1", shape(30, 1, 1, 120, 1, 1)],
	["1x1 13->7 on 1x5 (< 8 px)", shape(13, 1, 5, 7, 1, 1)],
	["1x1 13->7 on 5x3", shape(13, 5, 3, 7, 1, 1)],
	["1x1 33->17 on 6x19", shape(33, 6, 19, 17, 1, 1)],
	["1x1 96->96 on 12x12", shape(96, 12, 12, 96, 1, 1)],
	["1x1 480->120 on 1x80", shape(480, 1, 80, 120, 1, 1)],
	["1x1 960->10 on 2x9 (pixel blocks)", shape(960, 2, 9, 10, 1, 1)],
	["1x1 100->12 on 33x41 (x copied by tiles, several blocks)", shape(100, 33, 41, 12, 1, 1)],
	["1x1 grouped g2 16->6 on 32x40 (x copied by tiles)", shape(16, 32, 40, 6, 1, 1, { group: 2 })],
	["1x1 s2 16->8 on 9x11", shape(16, 9, 11, 8, 1, 1, { sh: 2, sw: 2 })],
	["1x1 pad 1 6->5 on 4x9", shape(6, 4, 9, 5, 1, 1, { pt: 1, pl: 1, pb: 1, pr: 1 })],
	["3x3 s1 96->24 on 13x17", shape(96, 13, 17, 24, 3, 3)],
	["3x3 s1 24->96 on 9x20", shape(24, 9, 20, 96, 3, 3)],
	["3x3 s1 17->9 on 7x5 (< 8 cols)", shape(17, 7, 5, 9, 3, 3)],
	["3x3 s1 no pad 8->6 on 10x12", shape(8, 10, 12, 6, 3, 3, p0)],
	["3x3 s1 Winograd odd sizes 9->5 on 11x13", shape(9, 11, 13, 5, 3, 3)],
	["3x3 s1 Winograd asymmetric pad (1,0,0,1) 12->8 on 8x15", shape(12, 8, 15, 8, 3, 3, { pt: 1, pl: 0, pb: 0, pr: 1 })],
	["3x3 s1 Winograd several bands 64->64 on 20x64", shape(64, 20, 64, 64, 3, 3)],
	["3x3 s1 Winograd 1x1 map 16->8", shape(16, 1, 1, 8, 3, 3)],
	["3x3 s2 16->8 on 11x13 (weights also packed for Winograd)", shape(16, 11, 13, 8, 3, 3, { sh: 2, sw: 2 })],
	["3x3 s2 16->8 on 60x100 (several bands)", shape(16, 60, 100, 8, 3, 3, { sh: 2, sw: 2 })],
	["3x3 s2 stem 3->16 on 31x37", shape(3, 31, 37, 16, 3, 3, { sh: 2, sw: 2 })],
	["3x3 s2 stem 3->16 on 32x32", shape(3, 32, 32, 16, 3, 3, { sh: 2, sw: 2 })],
	["1x3 pad (0,1,0,1) 12->10 on 3x21", shape(12, 3, 21, 10, 1, 3)],
	["3x3 asymmetric pad (0,1,1,0) 5->7 on 8x11", shape(5, 8, 11, 7, 3, 3, { pt: 0, pl: 1, pb: 1, pr: 0 })],
	["3x3 s2x1 pad (1,0,2,1) 4->6 on 9x10", shape(4, 9, 10, 6, 3, 3, { sh: 2, sw: 1, pt: 1, pl: 0, pb: 2, pr: 1 })],
	["5x5 s1x2 dense 3->5 on 11x23", shape(3, 11, 23, 5, 5, 5, { sw: 2 })],
	["dw 3x3 s1 32ch 15x21", dw(32, 15, 21, 3, 1, 1)],
	// 3x3 s1 from 17 columns and 4 rows read in place (_infer_conv_dw3_direct.ts).
	["dw 3x3 s1 3ch 5x17 (in place, the narrowest, a lone last row)", dw(3, 5, 17, 3, 1, 1)],
	["dw 3x3 s1 2ch 4x33 (in place, four rows)", dw(2, 4, 33, 3, 1, 1)],
	["dw 3x3 s1 2ch 24x203 (in place, a recogniser line's stage-1 plane)", dw(2, 24, 203, 3, 1, 1)],
	["dw 3x3 s2 32ch 16x16", dw(32, 16, 16, 3, 2, 2)],
	["dw 3x3 s2 7ch 15x23", dw(7, 15, 23, 3, 2, 2)],
	["dw 3x3 s2 6ch 9x41 (16-column rows)", dw(6, 9, 41, 3, 2, 2)],
	["dw 5x5 s2 4ch 9x37 (16-column rows)", dw(4, 9, 37, 5, 2, 2)],
	["dw 5x5 s1x2 3ch 5x40 (16-column rows)", dw(3, 5, 40, 5, 1, 2)],
	["dw 3x3 s2x1 9ch 11x19", dw(9, 11, 19, 3, 2, 1)],
	["dw 3x3 s1 2ch 101x200 (several bands)", dw(2, 101, 200, 3, 1, 1)],
	["dw 5x5 s2 2ch 150x200 (several bands)", dw(2, 150, 200, 5, 2, 2)],
	["dw 3x3 s1x2 9ch 11x19", dw(9, 11, 19, 3, 1, 2)],
	["dw 5x5 s1 24ch 6x80", dw(24, 6, 80, 5, 1, 1)],
	["dw 5x5 s1 5ch 7x37 (row pairs, a last single row, overlapping last tile)", dw(5, 7, 37, 5, 1, 1)],
	["dw 5x5 s1 2ch 151x60 (row pairs over several bands)", dw(2, 151, 60, 5, 1, 1)],
	["dw 5x5 s2 5ch 13x17", dw(5, 13, 17, 5, 2, 2)],
	["dw 5x5 s2x1 6ch 12x27", dw(6, 12, 27, 5, 2, 1)],
	["dw 5x5 s1x2 6ch 12x27", dw(6, 12, 27, 5, 1, 2)],
	["dw 3x3 s1 4ch 3x5 (< 8 cols)", dw(4, 3, 5, 3, 1, 1)],
	["dw 5x5 s1 3ch 1x1", dw(3, 1, 1, 5, 1, 1)],
	// 5x5 s1 from 34 columns read in place (_infer_conv_dw5_direct.ts): edge strips, tiles between.
	["dw 5x5 s1 3ch 12x34 (in place, the narrowest)", dw(3, 12, 34, 5, 1, 1)],
	["dw 5x5 s1 3ch 3x49 (in place, a tile at w - 32 before the right edge)", dw(3, 3, 49, 5, 1, 1)],
	["dw 5x5 s1 2ch 1x64 (in place, one row, 16-column multiple)", dw(2, 1, 64, 5, 1, 1)],
	["dw 5x5 s1 4ch 12x102 (in place, a recogniser line's stage-3 width)", dw(4, 12, 102, 5, 1, 1)],
	["dw 5x5 s1 3ch 9x50 pads (1,2,3,2) (in place, uneven top and bottom)", dw(3, 9, 50, 5, 1, 1, { pt: 1, pb: 3 })],
	["dw 3x3 asymmetric pad (1,0,0,1) 5ch 9x12", dw(5, 9, 12, 3, 1, 1, { pt: 1, pl: 0, pb: 0, pr: 1 })],
	["grouped 3x3 g3 6->9 on 7x10", shape(6, 7, 10, 9, 3, 3, { group: 3 })],
	["grouped 1x1 g2 8->6 on 5x9", shape(8, 5, 9, 6, 1, 1, { group: 2 })],
	["grouped multiplier g4 4->8 3x3 on 6x9", shape(4, 6, 9, 8, 3, 3, { group: 4 })],
];

describe("conv2d against the naive loop", () => {
	let seed = 1;
	for (const [name, s] of CASES) {
		it(`${name}: every activation`, () => {
			for (let act = 0; act <= 5; act++) {
				const err = runConv(s, act, act !== 2, seed++);
				expect(err, `act ${act}`).toBeLessThan(MAX_ERR);
			}
		});
	}
});

describe("post affine (a fused Affine node)", () => {
	// Every loop applies a * y + b to what it wrote, after the activation: the Affine op's own
	// f32 multiply then add, so the bits of that op over the plain output.
	let seed = 500;
	for (const [name, s] of CASES) {
		it(`${name}: every activation, the bits of conv then Affine`, () => {
			for (let act = 0; act <= 5; act++) {
				const plain = convOut(s, act, true, seed).y;
				const post = convOut(s, act, true, seed++, [POST_A, POST_B]).y;
				expect(offAffine(plain, post), `act ${act}: outputs off the Affine's bits`).toBe(0);
			}
		});
	}
});

describe("sigmoid and swish epilogues", () => {
	// A 1x1 conv with unit weights passes x straight to the activation, so the
	// error is the activation's own: within 2e-6 absolute of the f64 formula.
	it("within 2e-6 of 1/(1+e^-v) and v/(1+e^-v) over [-20, 20]", () => {
		const n = 8001;
		const x = new Float32Array(n).map((_, i) => -20 + (40 * i) / (n - 1));
		for (const act of [4, 5]) {
			const heap = new Heap();
			const src = heap.put(new Float32Array([1, 1, 1, 1]));
			const wp = heap.take(k.convPackedBytes(4, 1, 1, 1, 1), true);
			k.convPack(src, wp, 4, 1, 1, 1, 1);
			const y = heap.take(4 * n * 4, true);
			const xp = heap.atEnd(x);
			k.conv2d(xp, wp, 0, y, 0, 1, 1, n, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, act, 0, 0);
			expect(heap.guardsIntact()).toBe(true);
			const got = heap.read(y, 4 * n);
			let err = 0;
			for (let i = 0; i < 4 * n; i++) {
				const v = x[i % n];
				const s = 1 / (1 + Math.exp(-v));
				err = Math.max(err, Math.abs(got[i] - (act === 4 ? s : v * s)));
			}
			expect(err, `act ${act}`).toBeLessThan(2e-6);
		}
	});
});

describe("convTranspose2d against the naive loop", () => {
	const TCASES: [string, number[]][] = [
		["2x2 24->24 on 9x13", [24, 9, 13, 24, 2, 2]],
		["2x2 7->5 on 4x16", [7, 4, 16, 5, 2, 2]],
		["2x2 6->3 on 5x3 (< 8 cols)", [6, 5, 3, 3, 2, 2]],
		["3x3 4->5 on 4x6", [4, 4, 6, 5, 3, 3]],
		["2x1 3->2 on 3x9", [3, 3, 9, 2, 2, 1]],
	];
	let seed = 100;
	for (const [name, [cin, h, w, cout, kh, kw]] of TCASES) {
		it(`${name}: every activation`, () => {
			for (let act = 0; act <= 5; act++) {
				const rnd = seeded(seed++);
				const x = rnd(cin * h * w);
				const wt = rnd(cin * cout * kh * kw);
				const bias = act === 2 ? null : rnd(cout);
				const heap = new Heap();
				const src = heap.put(wt);
				const wp = heap.take(k.convTransposePackedBytes(cin, cout, kh, kw), true);
				k.convTransposePack(src, wp, cin, cout, kh, kw);
				const b = bias ? heap.put(bias, true) : 0;
				const n = cout * h * kh * w * kw;
				const y = heap.take(n * 4, true);
				const xp = heap.atEnd(x);
				k.convTranspose2d(xp, wp, b, y, cin, h, w, cout, kh, kw, act, ALPHA[act], BETA[act]);
				expect(heap.guardsIntact()).toBe(true);
				const plain = heap.read(y, n);
				const ref = refConvTranspose(cin, h, w, cout, kh, kw, x, wt, bias, act, ALPHA[act], BETA[act]);
				expect(maxErr(plain, ref.y, ref.mag), `act ${act}`).toBeLessThan(MAX_ERR);
				// With a post affine on: the bits of an Affine pass over the plain output.
				k.setPost(1, POST_A, POST_B);
				try {
					k.convTranspose2d(xp, wp, b, y, cin, h, w, cout, kh, kw, act, ALPHA[act], BETA[act]);
				} finally {
					k.setPost(0, 1, 0);
				}
				const off = offAffine(plain, heap.read(y, n));
				expect(off, `act ${act}: outputs off the Affine's bits with the post affine`).toBe(0);
			}
		});
	}
});
