import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, loadImage, planDecode, probeImage } from "../src/codecs";
import { DEFAULT_LIMITS } from "../src/lib/config";
import { resizeArea } from "../src/lib/resize";
import large from "./fixtures/jpeg/large_8000x6000.jpg";
import prog420 from "./fixtures/jpeg/prog_420_tools.jpg";
import appleFile from "./fixtures/npr/apple.input.png";
import orangeFile from "./fixtures/npr/orange.input.png";
import progressive12 from "./fixtures/progressive_12mp.jpg";
import { ssimGray } from "./helpers/metrics";
import { mozjpegDecodeReference } from "./helpers/mozjpeg";

/**
 * The intake now decodes a JPEG straight to a DCT scale and area-resamples
 * from there; before, MozJPEG decoded the whole frame and the JS resampler
 * shrank it. Previews must look the same as they did: the old path's result
 * is rebuilt here (MozJPEG full decode, then resizeArea) and compared.
 */
async function oldPreview(bytes: Uint8Array, width: number, height: number) {
	return resizeArea(await mozjpegDecodeReference(bytes), width, height);
}

/**
 * A camera-like 3200x2400 JPEG (q90, 4:2:0): the repository's photos tiled,
 * every other tile mirrored, with mild deterministic noise, so it has a
 * photo's detail and entropy rather than the smooth gradients above.
 */
async function photoMosaic(): Promise<Uint8Array> {
	const tiles = await Promise.all(
		[appleFile, orangeFile].map(async (f) => {
			const bytes = new Uint8Array(f);
			return decodeImage(bytes, probeImage(bytes));
		}),
	);
	const W = 3200;
	const H = 2400;
	const data = new Uint8ClampedArray(W * H * 4);
	let seed = 12345;
	for (let y = 0; y < H; y++) {
		for (let x = 0; x < W; x++) {
			const t = tiles[(Math.floor(x / 400) + Math.floor(y / 400)) % 2]!;
			const tx = Math.floor(x / 400) % 2 ? t.width - 1 - (x % t.width) : x % t.width;
			const s = ((y % t.height) * t.width + tx) * 4;
			seed = (seed * 1103515245 + 12345) >>> 0;
			const n = ((seed >>> 24) % 9) - 4;
			const o = (y * W + x) * 4;
			data[o] = t.data[s]! + n;
			data[o + 1] = t.data[s + 1]! + n;
			data[o + 2] = t.data[s + 2]! + n;
			data[o + 3] = 255;
		}
	}
	return (await encodeImage({ data, width: W, height: H }, { format: "jpeg", quality: 90 })).bytes;
}

function meanAbs(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
	return sum / a.length;
}

describe("previews after shrink-on-load", () => {
	it.each([
		["12 MP progressive photo-like JPEG", new Uint8Array(progressive12), 1024],
		["12 MP progressive, the 2048 OCR view", new Uint8Array(progressive12), 2048],
		["48 MP baseline JPEG", new Uint8Array(large), 1024],
		["a small progressive photo at a non-DCT size", new Uint8Array(prog420), 97],
	])("%s matches the full decode resampled (SSIM >= 0.99)", async (_name, bytes, side) => {
		const plan = planDecode(bytes, probeImage(bytes), side);
		const ours = (await loadImage(bytes, DEFAULT_LIMITS, side)).pixels;
		expect([ours.width, ours.height]).toEqual([plan.width, plan.height]);
		const before = await oldPreview(bytes, plan.width, plan.height);
		expect(ssimGray(ours, before)).toBeGreaterThanOrEqual(0.99);
		expect(meanAbs(ours.data, before.data)).toBeLessThan(1.5);
	});

	it("a photo's preview at 1/1, 1/2 and 1/4 DCT scale matches the full decode resampled (SSIM >= 0.99)", async () => {
		const bytes = await photoMosaic();
		const full = await mozjpegDecodeReference(bytes);
		// 1/2 then resampled, 1/2 exactly (no resampling), 1/4 then resampled, full size then resampled.
		const scales: Record<number, number> = { 1024: 2, 1600: 2, 700: 4, 2000: 1 };
		for (const side of [1024, 1600, 700, 2000]) {
			const plan = planDecode(bytes, probeImage(bytes), side);
			const ours = (await loadImage(bytes, DEFAULT_LIMITS, side)).pixels;
			const before = resizeArea(full, plan.width, plan.height);
			expect([side, plan.denom]).toEqual([side, scales[side]]);
			expect(ssimGray(ours, before)).toBeGreaterThanOrEqual(0.99);
			expect(meanAbs(ours.data, before.data)).toBeLessThan(1.5);
		}
	});

	it("reads an image that needs no shrinking exactly as the full decode does", async () => {
		const bytes = new Uint8Array(prog420);
		const info = probeImage(bytes);
		const ours = (await loadImage(bytes, DEFAULT_LIMITS, 1024)).pixels;
		const full = await decodeImage(bytes, info);
		expect([ours.width, ours.height]).toEqual([info.width, info.height]);
		expect(ours.data).toEqual(full.data);
		expect(meanAbs(ours.data, (await mozjpegDecodeReference(bytes)).data)).toBe(0);
	});
});
