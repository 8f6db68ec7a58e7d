import { describe, expect, it } from "vitest";
import type { Pixels } from "../src/lib/pixels";
import { releaseResampler, resamplerBytes, resamplerPeakBytes, resize } from "../src/ocr/resample";
import { randomFloats } from "./helpers/engineKernel";
import { decodeFixture, fixture } from "./helpers/ocrFixtures";
import { resizeRef } from "./helpers/resampleRef";

// The OCR resizer (assembly/resample.ts through src/ocr/resample.ts) against
// its arithmetic as plain JS loops: the same bytes, for reductions and
// enlargements, one axis of each, tiny and transparent sources, and pages
// large enough to go through in several bands.

function noise(width: number, height: number, seed: number, opaque = true): Pixels {
	const v = randomFloats(width * height * 4, seed, 0, 256);
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0; i < data.length; i++) data[i] = opaque && i % 4 === 3 ? 255 : Math.floor(v[i] as number);
	return { data, width, height };
}

function differing(a: Pixels, b: Pixels): number {
	expect([a.width, a.height]).toEqual([b.width, b.height]);
	let n = 0;
	for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) n++;
	return n;
}

describe("OCR resize kernels", () => {
	const cases: [string, number, number, number, number][] = [
		["shrink 2.5x", 400, 300, 160, 120],
		["shrink 7x", 700, 350, 100, 50],
		["enlarge a line crop to 48 rows", 311, 23, 650, 48],
		["shrink one axis, enlarge the other", 500, 20, 200, 48],
		["1 x 1 to 7 x 3", 1, 1, 7, 3],
		["3 x 1 to 1 x 5", 3, 1, 1, 5],
		["17 x 9 to 16 x 9 (one column less)", 17, 9, 16, 9],
		["a page in several bands", 2000, 1500, 960, 720],
		["a tall narrow page in bands", 300, 4000, 120, 1600],
	];
	for (const [name, w, h, ow, oh] of cases) {
		it(`${name}: the bytes of the JS loops`, () => {
			for (const opaque of [true, false]) {
				const src = noise(w, h, w * 31 + h, opaque);
				expect(differing(resize(src, ow, oh), resizeRef(src, ow, oh)), `opaque ${opaque}`).toBe(0);
			}
		});
	}

	it("a receipt photo to the detector's size and its first line to 48 rows: the bytes of the JS loops", async () => {
		const page = await decodeFixture(fixture("dev_en_receipt_01"));
		const ow = 960;
		const oh = Math.round((page.height * ow) / page.width);
		expect(differing(resize(page, ow, oh), resizeRef(page, ow, oh))).toBe(0);
		const line: Pixels = { data: page.data.subarray(0, page.width * 60 * 4), width: page.width, height: 60 };
		const lw = Math.ceil((48 * line.width) / 60);
		expect(differing(resize(line, lw, 48), resizeRef(line, lw, 48))).toBe(0);
	});

	it("counts the instance's memory while it lives and keeps its peak after it goes", () => {
		releaseResampler();
		expect(resamplerBytes()).toBe(0);
		// A 600-column source band and its 300-column middle and output rows: far past the first page.
		const src = noise(600, 400, 3);
		resize(src, 300, 200);
		const held = resamplerBytes();
		expect(held).toBeGreaterThan(600 * 4 * 4);
		expect(resamplerPeakBytes()).toBeGreaterThanOrEqual(held);
		releaseResampler();
		expect(resamplerBytes()).toBe(0);
		expect(resamplerPeakBytes()).toBeGreaterThanOrEqual(held);
	});

	it("returns the source itself at its own size and refuses an empty target", () => {
		const src = noise(5, 4, 1);
		expect(resize(src, 5, 4)).toBe(src);
		expect(() => resize(src, 0, 4)).toThrow(RangeError);
	});
});
