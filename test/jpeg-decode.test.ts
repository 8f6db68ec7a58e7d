import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	decodeJpeg,
	type JpegFrame,
	jpegDecodeBytes,
	jpegLastHeapBytes,
	jpegLiveBytes,
	jpegPasses,
	jpegPeakBytes,
	jpegScale,
	readJpegFrame,
} from "../src/codecs/jpeg";
import { AppError } from "../src/lib/errors";
import type { Pixels } from "../src/lib/pixels";
import { resizeArea } from "../src/lib/resize";
import arith from "./fixtures/jpeg/arith.jpg";
import base411 from "./fixtures/jpeg/base_411.jpg";
import base411Ref from "./fixtures/jpeg/base_411.ppm";
import base420 from "./fixtures/jpeg/base_420.jpg";
import base420Ref from "./fixtures/jpeg/base_420.ppm";
import base420Multi from "./fixtures/jpeg/base_420_multiscan.jpg";
import base420MultiRef from "./fixtures/jpeg/base_420_multiscan.ppm";
import base420Opt from "./fixtures/jpeg/base_420_optimize.jpg";
import base420OptRef from "./fixtures/jpeg/base_420_optimize.ppm";
import base420Rst from "./fixtures/jpeg/base_420_restart.jpg";
import base420RstRef from "./fixtures/jpeg/base_420_restart.ppm";
import base422 from "./fixtures/jpeg/base_422.jpg";
import base422Ref from "./fixtures/jpeg/base_422.ppm";
import base422MultiRst from "./fixtures/jpeg/base_422_multiscan_restart.jpg";
import base422MultiRstRef from "./fixtures/jpeg/base_422_multiscan_restart.ppm";
import base440 from "./fixtures/jpeg/base_440.jpg";
import base440Ref from "./fixtures/jpeg/base_440.ppm";
import base444 from "./fixtures/jpeg/base_444.jpg";
import base444Ref from "./fixtures/jpeg/base_444.ppm";
import cmyk from "./fixtures/jpeg/cmyk.jpg";
import cmykRef from "./fixtures/jpeg/cmyk.ppm";
import edgeCases from "./fixtures/jpeg/edge_cases.bin";
import grayBase from "./fixtures/jpeg/gray_base.jpg";
import grayBaseRef from "./fixtures/jpeg/gray_base.pgm";
import grayProg from "./fixtures/jpeg/gray_prog.jpg";
import grayProgRef from "./fixtures/jpeg/gray_prog.pgm";
import large from "./fixtures/jpeg/large_8000x6000.jpg";
import precision12 from "./fixtures/jpeg/precision12.jpg";
import prog411 from "./fixtures/jpeg/prog_411.jpg";
import prog411Ref from "./fixtures/jpeg/prog_411.ppm";
import prog420 from "./fixtures/jpeg/prog_420.jpg";
import prog420Ref from "./fixtures/jpeg/prog_420.ppm";
import prog420Rst from "./fixtures/jpeg/prog_420_restart.jpg";
import prog420RstRef from "./fixtures/jpeg/prog_420_restart.ppm";
import prog420Tools from "./fixtures/jpeg/prog_420_tools.jpg";
import prog420ToolsRef from "./fixtures/jpeg/prog_420_tools.ppm";
import prog422 from "./fixtures/jpeg/prog_422.jpg";
import prog422Ref from "./fixtures/jpeg/prog_422.ppm";
import prog440 from "./fixtures/jpeg/prog_440.jpg";
import prog440Ref from "./fixtures/jpeg/prog_440.ppm";
import prog444 from "./fixtures/jpeg/prog_444.jpg";
import prog444Ref from "./fixtures/jpeg/prog_444.ppm";
import rgbBase from "./fixtures/jpeg/rgb_base.jpg";
import rgbBaseRef from "./fixtures/jpeg/rgb_base.ppm";
import truncated from "./fixtures/jpeg/truncated.jpg";
import ycck from "./fixtures/jpeg/ycck.jpg";
import ycckRef from "./fixtures/jpeg/ycck.ppm";
import progressive12 from "./fixtures/progressive_12mp.jpg";
import { makeJpeg } from "./helpers/hostile-jpeg";
import { mozjpegDecodeReference } from "./helpers/mozjpeg";
import { readPnm } from "./helpers/pnm";

const u8 = (b: ArrayBuffer) => new Uint8Array(b);

function diff(a: Pixels, b: Pixels): { max: number; mean: number } {
	expect([a.width, a.height]).toEqual([b.width, b.height]);
	let max = 0;
	let sum = 0;
	for (let i = 0; i < a.data.length; i += 4) {
		for (let c = 0; c < 3; c++) {
			const d = Math.abs(a.data[i + c]! - b.data[i + c]!);
			if (d > max) max = d;
			sum += d;
		}
	}
	return { max, mean: sum / ((a.data.length / 4) * 3) };
}

/** Edge-replicates p to w x h (w, h >= its size): the decoder's last scaled
 * column covers the image's last pixels plus the padding of its block. */
function extend(p: Pixels, w: number, h: number): Pixels {
	const data = new Uint8ClampedArray(w * h * 4);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const s = (Math.min(y, p.height - 1) * p.width + Math.min(x, p.width - 1)) * 4;
			data.set(p.data.subarray(s, s + 4), (y * w + x) * 4);
		}
	}
	return { data, width: w, height: h };
}

function frameOf(bytes: Uint8Array): JpegFrame {
	const f = readJpegFrame(bytes);
	if (typeof f === "string") throw new Error(f);
	return f;
}

function full(bytes: Uint8Array): Pixels {
	const f = frameOf(bytes);
	return decodeJpeg(bytes, f.width, f.height);
}

function refusal(fn: () => unknown): AppError {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(AppError);
		return err as AppError;
	}
	throw new Error("expected a refusal");
}

// Every kind against libjpeg-turbo's djpeg -dct int (scripts/make-jpeg-fixtures.sh).
const KINDS: [string, ArrayBuffer, ArrayBuffer][] = [
	["baseline 4:4:4", base444, base444Ref],
	["baseline 4:2:2", base422, base422Ref],
	["baseline 4:2:0", base420, base420Ref],
	["baseline 4:4:0", base440, base440Ref],
	["baseline 4:1:1", base411, base411Ref],
	["baseline grayscale", grayBase, grayBaseRef],
	["baseline restart every MCU row", base420Rst, base420RstRef],
	["baseline optimised Huffman tables", base420Opt, base420OptRef],
	["baseline RGB (component ids R, G, B)", rgbBase, rgbBaseRef],
	["sequential, one scan per component", base420Multi, base420MultiRef],
	["sequential, luma then chroma scans, restarts", base422MultiRst, base422MultiRstRef],
	["progressive 4:4:4", prog444, prog444Ref],
	["progressive 4:2:2", prog422, prog422Ref],
	["progressive 4:2:0", prog420, prog420Ref],
	["progressive 4:4:0", prog440, prog440Ref],
	["progressive 4:1:1", prog411, prog411Ref],
	["progressive grayscale", grayProg, grayProgRef],
	["progressive restart every 2 MCUs", prog420Rst, prog420RstRef],
	["progressive 4:2:0, 191x127", prog420Tools, prog420ToolsRef],
];

describe("readJpegFrame", () => {
	it("reports size, process, sampling, precision and the Adobe transform", () => {
		const b = frameOf(u8(base420));
		expect(b).toMatchObject({ width: 147, height: 101, process: "baseline", progressive: false, components: 3 });
		expect(b.precision).toBe(8);
		expect(b.sampling.map((s) => [s.h, s.v])).toEqual([
			[2, 2],
			[1, 1],
			[1, 1],
		]);
		expect(b.adobeTransform).toBeNull();
		expect(b.firstScanComponents).toBe(3);
		expect(frameOf(u8(prog411))).toMatchObject({ process: "progressive", progressive: true });
		expect(frameOf(u8(prog411)).sampling[0]).toMatchObject({ h: 4, v: 1 });
		expect(frameOf(u8(grayBase)).components).toBe(1);
		expect(frameOf(u8(arith)).process).toBe("arithmetic");
		expect(frameOf(u8(precision12))).toMatchObject({ precision: 12, process: "extended" });
		expect(frameOf(u8(ycck))).toMatchObject({ components: 4, adobeTransform: 2 });
		expect(frameOf(u8(cmyk)).adobeTransform).toBe(0);
		expect(readJpegFrame(u8(base420).subarray(0, 100))).toMatch(/ends before/);
	});
});

describe("jpegScale", () => {
	it("picks the largest denominator that still covers the output", () => {
		expect(jpegScale(8000, 6000, 1024, 768)).toBe(4);
		expect(jpegScale(8000, 6000, 1000, 750)).toBe(8);
		expect(jpegScale(147, 101, 19, 13)).toBe(8);
		expect(jpegScale(147, 101, 19, 14)).toBe(4);
		expect(jpegScale(147, 101, 147, 101)).toBe(1);
		expect(jpegScale(147, 101, 74, 51)).toBe(2);
		expect(jpegScale(147, 101, 75, 51)).toBe(1);
	});
});

describe("decodeJpeg at full size", () => {
	it.each(KINDS)("%s: every channel within 2 of libjpeg-turbo (djpeg -dct int)", (_name, jpg, ref) => {
		const d = diff(full(u8(jpg)), readPnm(ref));
		// Measured: 0 (bit-exact) for every kind.
		expect(d.max).toBeLessThanOrEqual(2);
		expect(d.max).toBe(0);
	});

	it("edge sizes and sampling layouts (1 px rows and columns, 3x ratios) are exact, and decode at every scale", () => {
		// scripts/make-jpeg-fixtures.sh: u8 name length, name, u32le JPEG length, JPEG, u32le PPM length, PPM.
		const b = u8(edgeCases);
		const dv = new DataView(edgeCases);
		let p = 0;
		let cases = 0;
		while (p < b.length) {
			const name = String.fromCharCode(...b.subarray(p + 1, p + 1 + b[p]!));
			p += 1 + b[p]!;
			const jpg = b.subarray(p + 4, p + 4 + dv.getUint32(p, true));
			p += 4 + jpg.length;
			const ppm = b.slice(p + 4, p + 4 + dv.getUint32(p, true));
			p += 4 + ppm.length;
			const ref = readPnm(ppm.buffer);
			expect({ name, max: diff(full(jpg), ref).max }).toEqual({ name, max: 0 });
			for (const d of [2, 4, 8]) {
				const w = Math.ceil(ref.width / d);
				const h = Math.ceil(ref.height / d);
				expect(decodeJpeg(jpg, w, h).data.length).toBe(w * h * 4);
			}
			cases++;
		}
		expect(cases).toBe(144);
	});

	it("YCCK and Adobe CMYK match ImageMagick's own conversion to sRGB", () => {
		// Adobe stores CMYK inverted: R = C * K / 255 on the stored values. Measured max 0.
		expect(diff(full(u8(ycck)), readPnm(ycckRef)).max).toBeLessThanOrEqual(1);
		expect(diff(full(u8(cmyk)), readPnm(cmykRef)).max).toBeLessThanOrEqual(1);
	});

	it("CMYK from the hostile-input writer: R = (255 - c) * (255 - k) / 255 within 2", () => {
		const spec = (x: number, y: number) => [(x * 7) % 256, (y * 5) % 256, 40, (x + y) % 128];
		const bytes = makeJpeg({ width: 33, height: 17, components: 4, samples: spec });
		const out = full(bytes);
		let max = 0;
		for (let y = 0; y < 17; y++) {
			for (let x = 0; x < 33; x++) {
				const [c, m, yy, k] = spec(x, y) as [number, number, number, number];
				const want = [c, m, yy].map((v) => ((255 - v) * (255 - k)) / 255);
				for (let i = 0; i < 3; i++) max = Math.max(max, Math.abs(out.data[(y * 33 + x) * 4 + i]! - want[i]!));
			}
		}
		// Measured 1.47: the writer's flat quantiser and our rounding.
		expect(max).toBeLessThanOrEqual(2);
	});

	it("matches MozJPEG's decode (the decoder the app used before)", async () => {
		for (const jpg of [base420, prog420Tools, base411, grayProg]) {
			const ours = full(u8(jpg));
			const moz = await mozjpegDecodeReference(u8(jpg));
			expect(diff(ours, moz).max).toBeLessThanOrEqual(2);
		}
	});
});

describe("decodeJpeg at reduced scales", () => {
	it.each(KINDS)("%s: 1/2, 1/4, 1/8 against our full decode box-averaged", (_name, jpg) => {
		const bytes = u8(jpg);
		const f = frameOf(bytes);
		const whole = full(bytes);
		for (const d of [2, 4, 8] as const) {
			const w = Math.ceil(f.width / d);
			const h = Math.ceil(f.height / d);
			expect(jpegScale(f.width, f.height, w, h)).toBe(d);
			const got = decodeJpeg(bytes, w, h);
			const r = diff(got, resizeArea(extend(whole, w * d, h * d), w, h));
			// Measured over all kinds: mean at most 1.13 (1/2), 0.95 (1/4), 0.73 (1/8);
			// max 25, 13 and 7, at sharp colour edges (the full decode clips ringing
			// and upsamples chroma before averaging; the reduced one does neither).
			expect(r.mean).toBeLessThan(1.5);
			expect(r.max).toBeLessThanOrEqual(28);
		}
	});

	it("a non-DCT size is the area resample of the scaled decode", () => {
		for (const jpg of [base420, prog422, grayBase]) {
			const bytes = u8(jpg);
			// 100x67 needs the full decode; 40x27 the 1/2 one (74x51).
			expect(diff(decodeJpeg(bytes, 100, 67), resizeArea(full(bytes), 100, 67)).max).toBeLessThanOrEqual(1);
			expect(diff(decodeJpeg(bytes, 40, 27), resizeArea(decodeJpeg(bytes, 74, 51), 40, 27)).max).toBeLessThanOrEqual(1);
		}
	});
});

describe("decodeJpeg in passes", () => {
	// Stored files (progressive, one scan per component) at every scale: any
	// number of passes (bands of MCU rows, the file read again for each) gives
	// the single-pass output exactly. 8 is one MCU row per pass for these.
	const STORED = KINDS.filter(([name]) => name.startsWith("progressive") || name.startsWith("sequential"));
	it.each(STORED)("%s: 2, 3 and 8 passes equal one at 1/1, 1/2, 1/4, 1/8", (_name, jpg) => {
		const bytes = u8(jpg);
		const f = frameOf(bytes);
		for (const d of [1, 2, 4, 8]) {
			const w = Math.ceil(f.width / d);
			const h = Math.ceil(f.height / d);
			const one = decodeJpeg(bytes, w, h, 1);
			for (const p of [2, 3, 8]) expect(diff(decodeJpeg(bytes, w, h, p), one).max).toBe(0);
		}
	});

	it("a 12 MP progressive file to the 1024 px preview and the 2048 view stays within 16 MiB of kernel heap", () => {
		const bytes = u8(progressive12);
		const f = frameOf(bytes);
		expect([f.width, f.height, f.progressive]).toEqual([4000, 3000, true]);
		for (const [w, h] of [
			[1024, 768],
			[2048, 1536],
		] as const) {
			const d = jpegScale(f.width, f.height, w, h);
			const passes = jpegPasses(f, d, w);
			const out = decodeJpeg(bytes, w, h);
			expect(jpegLastHeapBytes()).toBeLessThanOrEqual(16 * 1024 * 1024);
			// Measured: 2 passes at 1/2 (19 MiB in one), 3 at full size (35 MiB in one).
			expect(passes).toBe(d === 1 ? 3 : 2);
			expect(diff(out, decodeJpeg(bytes, w, h, 1)).max).toBe(0);
		}
	});
});

describe("decodeJpeg refusals", () => {
	it("names the variant for arithmetic coding and 12-bit precision", () => {
		const a = refusal(() => full(u8(arith)));
		expect([a.status, a.code]).toEqual([422, "unsupported_variant"]);
		expect(a.message).toMatch(/arithmetic/);
		const p = refusal(() => full(u8(precision12)));
		expect([p.status, p.code]).toEqual([422, "unsupported_variant"]);
		expect(p.message).toMatch(/12-bit/);
	});

	it("a file cut short is truncated_image, baseline or progressive", () => {
		expect(refusal(() => decodeJpeg(u8(truncated), 147, 101)).code).toBe("truncated_image");
		const p = u8(prog420Tools);
		expect(refusal(() => decodeJpeg(p.subarray(0, (p.length * 3) >> 2), 191, 127)).code).toBe("truncated_image");
		expect(refusal(() => decodeJpeg(p.subarray(0, 300), 191, 127)).code).toBe("truncated_image");
		// In passes too: the first pass stops at the end of the data.
		expect(refusal(() => decodeJpeg(p.subarray(0, (p.length * 3) >> 2), 191, 127, 4)).code).toBe("truncated_image");
	});

	it("bad Huffman codes and bad tables are corrupt_image", () => {
		// A DHT whose counts claim more codes of one length than fit.
		const b = u8(base420).slice();
		const dht = b.findIndex((v, i) => v === 0xff && b[i + 1] === 0xc4);
		b[dht + 5 + 1] = 200;
		expect(refusal(() => decodeJpeg(b, 147, 101)).code).toBe("corrupt_image");
		// Entropy data of all ones matches no code of an optimised table.
		const o = u8(base420Opt).slice();
		const sos = o.findIndex((v, i) => v === 0xff && o[i + 1] === 0xda);
		const start = sos + 2 + ((o[sos + 2]! << 8) | o[sos + 3]!);
		for (let i = start; i < start + 400; i += 2) {
			o[i] = 0xff;
			o[i + 1] = 0;
		}
		const e = refusal(() => decodeJpeg(o, 191, 127));
		expect(e.status).toBe(422);
	});

	it("scans repeated past 64 visits of every block are corrupt_image, a few more are decoded", () => {
		// DC refinement scans over all three components, every correction bit 0 (no change).
		const base = u8(prog420);
		const body = base.subarray(0, base.length - 2);
		const scan = [0xff, 0xda, 0, 12, 3, 1, 0, 2, 0, 3, 0, 0, 0, 0x10, ...new Array(60).fill(0)];
		const withScans = (n: number) => {
			const out = new Uint8Array(body.length + n * scan.length + 2);
			out.set(body);
			for (let i = 0; i < n; i++) out.set(scan, body.length + i * scan.length);
			out.set([0xff, 0xd9], out.length - 2);
			return out;
		};
		for (const passes of [1, 3]) {
			const ok = decodeJpeg(withScans(10), 147, 101, passes);
			expect(diff(ok, full(base)).max).toBe(0);
			const e = refusal(() => decodeJpeg(withScans(70), 147, 101, passes));
			expect([e.code, e.message]).toEqual(["corrupt_image", "corrupt JPEG: the file has too many scans for its size"]);
		}
	});

	it("random mutations and truncations give a result or a 422, never a crash or a hang", () => {
		const seeds = [base420, prog420, base420Rst, prog420Rst, grayProg, base411].map(u8);
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: seeds.length - 1 }),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
				fc.option(fc.nat(), { nil: undefined }),
				fc.constantFrom(1, 2, 4, 8),
				(which, edits, cut, d) => {
					const src = seeds[which]!;
					const b = src.slice(0, cut === undefined ? src.length : 2 + (cut % src.length));
					for (const [at, v] of edits) b[at % b.length] = v;
					const f = readJpegFrame(b);
					const w = typeof f === "string" ? 10 : Math.max(1, Math.ceil(f.width / d));
					const h = typeof f === "string" ? 10 : Math.max(1, Math.ceil(f.height / d));
					const t0 = Date.now();
					try {
						const out = decodeJpeg(b, w, h);
						expect(out.data.length).toBe(w * h * 4);
					} catch (err) {
						if (err instanceof RangeError && typeof f !== "string") throw err;
						if (!(err instanceof RangeError)) {
							expect(err).toBeInstanceOf(AppError);
							expect((err as AppError).status === 422 || (err as AppError).status === 413).toBe(true);
						}
					}
					expect(Date.now() - t0).toBeLessThan(2000);
				},
			),
			{ numRuns: 600, seed: 1414 },
		);
		expect(jpegLiveBytes()).toBe(0);
	});

	it("random mutations of progressive files decoded in passes give a result or a 422, never a crash", () => {
		// Each pass resumes the scans where the last stopped: saved positions must hold on any input.
		const seeds = [prog420, prog420Rst, grayProg, prog411, base420Multi].map(u8);
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: seeds.length - 1 }),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
				fc.constantFrom(1, 2, 4, 8),
				fc.constantFrom(2, 3, 8),
				(which, edits, d, passes) => {
					const b = seeds[which]!.slice();
					for (const [at, v] of edits) b[at % b.length] = v;
					const f = readJpegFrame(b);
					if (typeof f === "string") return;
					const w = Math.max(1, Math.ceil(f.width / d));
					const h = Math.max(1, Math.ceil(f.height / d));
					try {
						expect(decodeJpeg(b, w, h, passes).data.length).toBe(w * h * 4);
					} catch (err) {
						if (!(err instanceof AppError) && !(err instanceof RangeError)) throw err;
					}
				},
			),
			{ numRuns: 300, seed: 2718 },
		);
		expect(jpegLiveBytes()).toBe(0);
	});
});

describe("decodeJpeg memory", () => {
	it("the header estimate covers the real heap of each kind, within 1.3x + 1 MiB", () => {
		const cases: [Uint8Array, number, number?][] = [
			[u8(base420), 1],
			[u8(base420), 4],
			[u8(prog420Tools), 1],
			[u8(prog420Tools), 2],
			[u8(prog411), 8],
			[u8(grayBase), 1],
			[u8(base420Rst), 2],
			[u8(cmyk), 1],
			[u8(base420Multi), 2],
			[u8(large), 4],
			[u8(large), 8],
			[u8(prog420Tools), 1, 3],
			[u8(prog411), 2, 8],
			[u8(base422MultiRst), 4, 2],
			[u8(progressive12), 1],
			[u8(progressive12), 2],
			[u8(progressive12), 8, 1],
		];
		for (const [bytes, d, passes] of cases) {
			const f = frameOf(bytes);
			const w = Math.ceil(f.width / d);
			const h = Math.ceil(f.height / d);
			decodeJpeg(bytes, w, h, passes);
			const real = jpegLastHeapBytes();
			const est = jpegDecodeBytes(f, jpegScale(f.width, f.height, w, h), w, h, passes);
			expect(est).toBeGreaterThanOrEqual(real);
			expect(est).toBeLessThanOrEqual(real * 1.3 + 1048576);
		}
		expect(jpegPeakBytes()).toBeGreaterThanOrEqual(jpegLastHeapBytes());
		// Headers the kernel refuses still get a finite plan.
		const odd = { ...frameOf(u8(base420)), components: 2, sampling: [{ id: 1, h: 0, v: 9 }] };
		expect(Number.isFinite(jpegDecodeBytes(odd, 1, 147, 101))).toBe(true);
	});

	it("48 MP baseline to a 1024 px preview stays within 16 MiB of kernel heap", () => {
		const bytes = u8(large);
		const f = frameOf(bytes);
		expect([f.width, f.height]).toEqual([8000, 6000]);
		const out = decodeJpeg(bytes, 1024, 768);
		expect([out.width, out.height]).toEqual([1024, 768]);
		expect(jpegLastHeapBytes()).toBeLessThanOrEqual(16 * 1024 * 1024);
		// The inside of the circle is its colour, (192, 128, 64) within JPEG error.
		const c = ((384 * 1024 + 512) * 4) | 0;
		expect(Math.abs(out.data[c]! - 192)).toBeLessThanOrEqual(4);
		// Planned for the worst case: 100 MP (12000 x 8400) baseline 4:2:0 to 1024 px.
		const big = { ...f, width: 12000, height: 8400 };
		const d = jpegScale(12000, 8400, 1024, 717);
		expect(jpegDecodeBytes(big, d, 1024, 717)).toBeLessThanOrEqual(16 * 1024 * 1024);
		// And progressive, to the preview (1/8: luma DC alone, chroma's 2x2 band)
		// and the 2048 view (1/4, in passes).
		const prog = { ...big, progressive: true, process: "progressive" as const };
		expect(jpegPasses(prog, 8, 1024)).toBe(1);
		expect(jpegDecodeBytes(prog, 8, 1024, 717)).toBeLessThanOrEqual(16 * 1024 * 1024);
		expect(jpegPasses(prog, 4, 2048)).toBe(4);
		expect(jpegDecodeBytes(prog, 4, 2048, 1434)).toBeLessThanOrEqual(16 * 1024 * 1024);
	});
});
