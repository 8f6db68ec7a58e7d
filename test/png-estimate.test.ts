import { describe, expect, it } from "vitest";
import { decodePng, encodePng, pngDecodeBytes, pngEncodeBytes, readPngInfo } from "../src/codecs/png";
import { PNG_CHANNELS } from "../src/codecs/png/chunks";
import { pngLastBytes } from "../src/codecs/png/kernel";
import { makePng, type PngSpec } from "./helpers/png";

const DEPTHS: Record<number, (1 | 2 | 4 | 8 | 16)[]> = {
	0: [1, 2, 4, 8, 16],
	2: [8, 16],
	3: [1, 2, 4, 8],
	4: [8, 16],
	6: [8, 16],
};

/** Deterministic pseudo-random integers below n (an LCG: shapes only, not samples). */
function lcg(seed: number): (n: number) => number {
	let s = seed >>> 0;
	return (n) => {
		s = (Math.imul(s, 1103515245) + 12345) >>> 0;
		return (s >>> 8) % n;
	};
}

// Admission reserves these estimates before a byte is decoded, so they must follow the
// kernel's layout exactly: the heap a call grows to plus the same fixed JS allowance.
describe("PNG memory estimates", () => {
	it("a decode's estimate is its kernel heap plus one constant, for every colour type, depth, Adam7 and size", async () => {
		const r = lcg(7);
		const over = new Set<number>();
		for (let i = 0; i < 60; i++) {
			const colorType = [0, 2, 3, 4, 6][r(5)]!;
			const bitDepth = DEPTHS[colorType]![r(DEPTHS[colorType]!.length)]!;
			const width = 1 + r(i < 40 ? 3000 : 40000);
			const height = 1 + r(20);
			const spec: PngSpec = {
				width,
				height,
				colorType,
				bitDepth,
				interlaced: r(2) === 1,
				samples: () => Array.from({ length: PNG_CHANNELS[colorType]! }, () => 0),
			};
			if (colorType === 3) spec.palette = [[1, 2, 3]];
			const png = await makePng(spec);
			const [ow, oh] = [1 + r(width), 1 + r(height)];
			await decodePng(png, ow, oh);
			over.add(pngDecodeBytes(readPngInfo(png), ow, oh) - pngLastBytes());
		}
		expect(over.size).toBe(1);
		expect([...over][0]).toBeGreaterThan(0);
	});

	it("an encode's estimate is the larger heap of its RGB and RGBA layouts plus one constant (opacity is not known before)", async () => {
		const r = lcg(11);
		const over = new Set<number>();
		for (let i = 0; i < 30; i++) {
			const [w, h] = [1 + r(i < 20 ? 2000 : 60000), 1 + r(100)];
			const data = new Uint8ClampedArray(w * h * 4).fill(100);
			await encodePng({ data, width: w, height: h });
			const rgba = pngLastBytes();
			data.fill(255);
			await encodePng({ data, width: w, height: h });
			over.add(pngEncodeBytes(w, h) - Math.max(rgba, pngLastBytes()));
		}
		expect(over.size).toBe(1);
	});
});
