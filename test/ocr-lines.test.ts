// Line crops, line tensors, batching and CTC decoding, without ORT.
import { describe, expect, it } from "vitest";
import { turnClockwise } from "../src/lib/orient";
import type { Pixels } from "../src/lib/pixels";
import { cropQuad, homography } from "../src/ocr/crop";
import { charset, ctcGreedy } from "../src/ocr/ctcDecode";
import type { Point, Quad } from "../src/ocr/geometry";
import { lineTensor, planBatches } from "../src/ocr/lineTensor";
import { resize } from "../src/ocr/resample";
import { decodeFixture, fixture } from "./helpers/ocrFixtures";

const px = (w: number, h: number, f: (x: number, y: number) => number[]): Pixels => {
	const data = new Uint8ClampedArray(w * h * 4);
	for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
	return { data, width: w, height: h };
};

describe("crops", () => {
	it("solves the homography of a quadrilateral exactly", () => {
		const from: Point[] = [
			[0, 0],
			[100, 0],
			[100, 30],
			[0, 30],
		];
		const to: Point[] = [
			[12, 40],
			[110, 25],
			[118, 60],
			[15, 71],
		];
		const m = homography(from, to);
		from.forEach(([x, y], i) => {
			const d = m[6]! * x + m[7]! * y + 1;
			expect((m[0]! * x + m[1]! * y + m[2]!) / d).toBeCloseTo(to[i]![0], 6);
			expect((m[3]! * x + m[4]! * y + m[5]!) / d).toBeCloseTo(to[i]![1], 6);
		});
	});

	it("copies an axis-aligned box of a real image pixel for pixel", async () => {
		const img = await decodeFixture(fixture("dev_en_receipt_01"));
		const q: Quad = [
			[98, 60],
			[403, 60],
			[403, 80],
			[98, 80],
		];
		const crop = cropQuad(img, q);
		expect([crop.width, crop.height]).toEqual([305, 20]);
		for (const [x, y] of [
			[0, 0],
			[150, 10],
			[304, 19],
		] as const) {
			const s = ((60 + y) * img.width + 98 + x) * 4;
			expect([...crop.data.subarray((y * crop.width + x) * 4, (y * crop.width + x) * 4 + 4)]).toEqual([
				...img.data.subarray(s, s + 4),
			]);
		}
	});

	it("straightens a box of a rotated image back to the unrotated crop", async () => {
		const img = await decodeFixture(fixture("dev_en_label_01"));
		const upright = cropQuad(img, [
			[40, 20],
			[240, 20],
			[240, 60],
			[40, 60],
		]);
		const turned = turnClockwise(img, 180);
		const w = img.width - 1;
		const h = img.height - 1;
		// The same region in the turned image, corners named from the text's own top-left.
		const back = cropQuad(turned, [
			[w - 40, h - 20],
			[w - 240, h - 20],
			[w - 240, h - 60],
			[w - 40, h - 60],
		]);
		let diff = 0;
		for (let i = 0; i < upright.data.length; i++) diff += Math.abs(upright.data[i]! - back.data[i]!);
		expect(diff / upright.data.length).toBeLessThan(1);
	});

	it("turns tall crops a quarter so vertical text reads left to right", () => {
		const tall = px(10, 40, (x, y) => [x, y, 0, 255]);
		const out = cropQuad(tall, [
			[0, 0],
			[10, 0],
			[10, 40],
			[0, 40],
		]);
		expect([out.width, out.height]).toEqual([40, 10]);
		// The top of the column ends up at the left.
		expect(out.data[((out.height - 1) * out.width + 0) * 4 + 1]).toBe(0);
	});

	it("rotates by quarter and half turns", () => {
		const p = px(3, 2, (x, y) => [x, y, 7, 255]);
		const q = turnClockwise(p, 270);
		expect([q.width, q.height]).toEqual([2, 3]);
		expect([...q.data.subarray(0, 2)]).toEqual([2, 0]); // top-left comes from the top-right
		const r = turnClockwise(p, 180);
		expect([...r.data.subarray(0, 2)]).toEqual([2, 1]);
	});

	it("averages when shrinking instead of skipping pixels", () => {
		const stripes = px(64, 8, (x) => (x % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
		const small = resize(stripes, 16, 2);
		for (let i = 0; i < small.data.length; i += 4) expect(Math.abs(small.data[i]! - 127.5)).toBeLessThan(20);
	});
});

describe("line tensors and batches", () => {
	it("scales to height 48, normalises to [-1, 1] in B, G, R order and pads with 0", () => {
		const crop = px(24, 12, () => [255, 128, 0, 255]);
		const t = lineTensor([crop], 320);
		const plane = 48 * 320;
		expect(t[0]).toBeCloseTo(-1, 5); // blue
		expect(t[plane]).toBeCloseTo(128 / 127.5 - 1, 5);
		expect(t[2 * plane]).toBeCloseTo(1, 5); // red
		expect(t[95]).toBeCloseTo(-1, 5); // last column of the 96-wide scaled crop
		expect(t[96]).toBe(0);
		expect(t[plane - 1]).toBe(0);
	});

	it("batches by aspect ratio within the batch and column limits", () => {
		const ratios = [30, 2, 8, 1, 9, 2.5, 50, 3];
		const plans = planBatches(ratios, { maxBatch: 3, maxColumns: 1500, minWidth: 96, maxWidth: 3200 });
		expect(plans.flatMap((p) => p.indices).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		for (const p of plans) {
			expect(p.indices.length).toBeLessThanOrEqual(3);
			expect(p.indices.length === 1 || p.indices.length * p.width <= 1500).toBe(true);
			expect(p.width).toBeGreaterThanOrEqual(
				Math.min(3200, Math.max(96, ...p.indices.map((i) => Math.ceil(48 * ratios[i]!)))),
			);
		}
		expect(plans[0]!.indices).toEqual([3, 1, 5]);
	});
});

describe("CTC decoding", () => {
	const chars = charset("a\nb\n中\n文\n");
	// Classes: 0 blank, 1 a, 2 b, 3 中, 4 文, 5 space.
	function probs(steps: [number, number][]): Float32Array {
		const out = new Float32Array(steps.length * chars.length);
		steps.forEach(([c, p], t) => {
			const rest = (1 - p) / (chars.length - 1);
			for (let k = 0; k < chars.length; k++) out[t * chars.length + k] = k === c ? p : rest;
		});
		return out;
	}

	it("builds blank + dictionary + space", () => {
		expect(chars).toEqual(["", "a", "b", "中", "文", " "]);
	});

	it("merges repeats, keeps a repeat split by a blank, drops blanks and averages kept probabilities", () => {
		const data = probs([
			[1, 0.9],
			[1, 0.8],
			[0, 0.99],
			[1, 0.7],
			[2, 0.6],
			[0, 0.9],
		]);
		const [line] = ctcGreedy(data, [1, 6, chars.length], chars, 1);
		expect(line!.text).toBe("aab");
		expect(line!.confidence).toBeCloseTo((0.9 + 0.7 + 0.6) / 3, 5);
		// Each character with the steps it fired on: a merged repeat extends its character.
		expect(line!.glyphs.map((g) => [g.text, g.first, g.last, g.p])).toEqual([
			["a", 0, 1, expect.closeTo(0.9, 5)],
			["a", 3, 3, expect.closeTo(0.7, 5)],
			["b", 4, 4, expect.closeTo(0.6, 5)],
		]);
	});

	it("reads a gap with space evidence as a space between Latin letters only", () => {
		const steps: [number, number][] = [
			[1, 0.9],
			[0, 0.6],
			[2, 0.9],
			[0, 0.6],
			[3, 0.9],
			[0, 0.6],
			[4, 0.9],
		];
		const data = probs(steps);
		// Give every blank step 0.1 of space probability.
		steps.forEach(([c], t) => {
			if (c === 0) data[t * chars.length + 5] = 0.1;
		});
		const [spaced] = ctcGreedy(data, [1, 7, chars.length], chars);
		expect(spaced!.text).toBe("a b中文");
		// The space read from a gap spans that gap's steps.
		expect(spaced!.glyphs.map((g) => [g.text, g.first, g.last])).toEqual([
			["a", 0, 0],
			[" ", 1, 1],
			["b", 2, 2],
			["中", 4, 4],
			["文", 6, 6],
		]);
		expect(ctcGreedy(data, [1, 7, chars.length], chars, 0.5)[0]!.text).toBe("ab中文");
	});

	it("reads full-width punctuation after Latin text as ASCII, after Chinese as full-width", () => {
		const wide = charset("a\n中\n，\n");
		// Classes: 0 blank, 1 a, 2 中, 3 full-width comma, 4 space.
		const seq = [1, 3, 0, 2, 3];
		const data = new Float32Array(seq.length * wide.length);
		seq.forEach((c, t) => {
			data[t * wide.length + c] = 1;
		});
		expect(ctcGreedy(data, [1, seq.length, wide.length], wide)[0]!.text).toBe("a,中，");
	});

	it("takes each step's most likely class whether a step stops at a sure winner or is scanned whole", () => {
		// 300 classes, 400 softmax steps: a clear winner (over 0.5) anywhere in the class order;
		// none; or two close ones, the earlier of them not quite half.
		const letters = Array.from({ length: 298 }, (_, i) => String.fromCharCode(0x100 + i)).join("\n");
		const many = charset(letters);
		const classes = many.length;
		const steps = 400;
		const data = new Float32Array(steps * classes);
		let seed = 7;
		const rnd = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const best: number[] = [];
		for (let t = 0; t < steps; t++) {
			const row = data.subarray(t * classes, (t + 1) * classes);
			for (let c = 0; c < classes - 1; c++) row[c] = rnd() * 0.01;
			const winner = Math.floor(rnd() * (classes - 1));
			if (t % 3 === 2 && winner > 0) {
				const early = Math.floor(rnd() * winner);
				row[early] = (row[early] as number) + 4.4;
				row[winner] = (row[winner] as number) + 4.6;
			} else row[winner] = (row[winner] as number) + (t % 3 === 0 ? 0.02 : 0.5 + rnd() * 4);
			let sum = 0;
			for (const v of row) sum += v;
			let k = 0;
			for (let c = 0; c < classes; c++) {
				row[c] = (row[c] as number) / sum;
				if ((row[c] as number) > (row[k] as number)) k = c;
			}
			best.push(k);
		}
		const want = best.filter((k, t) => k !== 0 && k !== best[t - 1]).map((k) => many[k]);
		const [line] = ctcGreedy(data, [1, steps, classes], many, 1);
		expect(line!.text).toBe(want.join(""));
		// Not a softmax (scaled): every class of every step is scanned, with the same classes.
		const scaled = data.map((v) => v * 3);
		expect(ctcGreedy(scaled, [1, steps, classes], many, 1)[0]!.text).toBe(want.join(""));
	});

	it("refuses an output that does not fit the charset", () => {
		expect(() => ctcGreedy(new Float32Array(10), [1, 2, 5], chars)).toThrow(RangeError);
	});
});
