// The OCR pipeline end to end inside workerd: real models, real fixture images.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/lib/errors";
import { turnClockwise } from "../src/lib/orient";
import type { Pixels } from "../src/lib/pixels";
import { ensureOcrModels, type OcrModels } from "../src/ocr/models";
import { recognize } from "../src/ocr/pipeline";
import { resize } from "../src/ocr/resample";
import receiptBoxes from "./fixtures/ocr/dev_en_receipt_01.boxes.json";
import { cer, pooledCer } from "./helpers/cer";
import { decodeFixture, fixture, OCR_FIXTURES } from "./helpers/ocrFixtures";

let models: OcrModels;

beforeAll(async () => {
	models = await ensureOcrModels(env.MODELS);
});

async function read(name: string, transform: (p: Pixels) => Pixels = (p) => p, options = {}) {
	const f = fixture(name);
	const result = await recognize(transform(await decodeFixture(f)), options, models);
	return { result, score: cer(result.text, f.truth) };
}

function inside(p: number[], q: number[][]): boolean {
	let sign = 0;
	for (let i = 0; i < 4; i++) {
		const a = q[i]!;
		const b = q[(i + 1) % 4]!;
		const c = Math.sign((b[0]! - a[0]!) * (p[1]! - a[1]!) - (b[1]! - a[1]!) * (p[0]! - a[0]!));
		if (c !== 0 && sign !== 0 && c !== sign) return false;
		if (c !== 0) sign = c;
	}
	return true;
}

describe("recognize", () => {
	it.each([
		["dev_en_receipt_01", 0.03],
		["dev_en_para_02", 0.03],
		["dev_en_label_01", 0.03],
		["dev_zh_para_02", 0.03],
		["dev_zh_mixed_01", 0.05],
	])("reads %s with CER <= %s", async (name, limit) => {
		const { result, score } = await read(name);
		expect(score.cer).toBeLessThanOrEqual(limit);
		expect(result.lines.length).toBeGreaterThan(0);
		for (const line of result.lines) {
			expect(line.confidence).toBeGreaterThanOrEqual(0.5);
			expect(line.confidence).toBeLessThanOrEqual(1);
		}
	});

	it("reads every fixture with CER <= 5% overall and never returns nothing", async () => {
		const scores = [];
		for (const f of OCR_FIXTURES) {
			const result = await recognize(await decodeFixture(f), {}, models);
			expect(result.text.trim(), f.name).not.toBe("");
			scores.push(cer(result.text, f.truth));
		}
		expect(pooledCer(scores)).toBeLessThanOrEqual(0.05);
	});

	it("returns boxes in input coordinates that cover every printed segment and nothing else", async () => {
		const { result } = await read("dev_en_receipt_01");
		expect([result.width, result.height]).toEqual([receiptBoxes.width, receiptBoxes.height]);
		const segments = receiptBoxes.lines.flatMap((l) => l.segments.map((s) => s.poly));
		// Points a tenth of the way in from each end of a segment's middle line: a detector may
		// split a segment at a wide gap ("Table 7  Guests 2"), but both ends must be covered.
		const along = (q: number[][], f: number) => {
			const left = [(q[0]![0]! + q[3]![0]!) / 2, (q[0]![1]! + q[3]![1]!) / 2];
			const right = [(q[1]![0]! + q[2]![0]!) / 2, (q[1]![1]! + q[2]![1]!) / 2];
			return [left[0]! + f * (right[0]! - left[0]!), left[1]! + f * (right[1]! - left[1]!)];
		};
		for (const q of segments) {
			for (const f of [0.1, 0.9]) expect(result.lines.some((l) => inside(along(q, f), l.box))).toBe(true);
		}
		for (const l of result.lines) expect(segments.some((q) => inside(along(l.box, 0.5), q))).toBe(true);
	});

	it("joins lines in reading order: one row per receipt row", async () => {
		const { result } = await read("dev_en_receipt_01");
		const rows = result.text.split("\n");
		expect(rows).toHaveLength(receiptBoxes.lines.length);
		expect(rows[4]).toMatch(/^VEGGIE OMELETTE \$9\.40$/);
	});

	it("turns an upside-down page with the line classifier", async () => {
		const { result, score } = await read("dev_en_para_02", (p) => turnClockwise(p, 180), { classify: true });
		expect(score.cer).toBeLessThanOrEqual(0.05);
		expect(result.orientation).toBe(180);
	});

	it("reads text written top to bottom", async () => {
		// A quarter turn clockwise: the line becomes a column that reads downwards.
		const cw = (p: Pixels) => turnClockwise(p, 90);
		const { result, score } = await read("dev_real_tjs_simple", cw);
		expect(result.lines).toHaveLength(1);
		expect(score.cer).toBeLessThanOrEqual(0.1);
	});

	it("reads dark text on a transparent background", async () => {
		// Black ink whose coverage lives only in alpha, over transparent black: as many logos are stored.
		const { score } = await read("dev_real_tjs_simple", (p) => {
			const data = new Uint8ClampedArray(p.data.length);
			for (let i = 0; i < data.length; i += 4) data[i + 3] = 255 - p.data[i + 1]!;
			return { data, width: p.width, height: p.height };
		});
		expect(score.cer).toBe(0);
	});

	// The detector finds nothing in these at their own size; the page is searched again enlarged.
	it.each([
		[206, "TAR"],
		[100, "STAR"],
	])(
		"reads the sign filling dev_real_mmocr_star at %s px wide from the smallest enlargement that finds it",
		async (width, text) => {
			const shrink = (p: Pixels) =>
				p.width === width ? p : resize(p, width, Math.round((p.height * width) / p.width));
			const { result } = await read("dev_real_mmocr_star", shrink);
			expect(result.text).toBe(text);
		},
	);

	it("searches a small page enlarged again when the boxes found at a smaller size read nothing", async () => {
		// At 100x42 the page's first enlarged pass finds boxes that read nothing; the next one reads.
		const { result, score } = await read("dev_zh_para_02", (p) => resize(p, 100, 42));
		expect(result.text.trim()).not.toBe("");
		expect(score.cer).toBeLessThan(1);
	});

	it("answers an image without text with no lines", async () => {
		const data = new Uint8ClampedArray(320 * 200 * 4);
		for (let i = 0; i < data.length; i += 4) data.set([120 + ((i / 4) % 320) / 4, 140, 160, 255], i);
		const result = await recognize({ data, width: 320, height: 200 }, {}, models);
		expect(result.lines).toEqual([]);
		expect(result.text).toBe("");
	});

	it("refuses options out of range with a 422", async () => {
		const img = await decodeFixture(fixture("dev_real_tjs_simple"));
		for (const options of [{ det_limit_side: 8 }, { det_limit_side: 100.5 }, { min_confidence: 2 }]) {
			const err = await recognize(img, options, models).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(AppError);
			expect((err as AppError).status).toBe(422);
		}
	});
});
