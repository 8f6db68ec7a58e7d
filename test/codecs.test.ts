import { describe, expect, it } from "vitest";
import { chooseOutput, encodeHeapBytes, encodeImage, loadImage, probeImage } from "../src/codecs";
import { jpegEncodeLastBytes } from "../src/codecs/jpeg";
import { libwebpPeaks, resetLibwebpPeaksForTest, webpDecodeBytes } from "../src/codecs/webp";
import { DEFAULT_LIMITS } from "../src/lib/config";
import { applyOrientation } from "../src/lib/orient";
import type { Pixels } from "../src/lib/pixels";
import { resizeArea } from "../src/lib/resize";
import jpegFile from "./fixtures/dev_en_label_01.jpg";
import webpFile from "./fixtures/dev_en_label_01.webp";
import pngFile from "./fixtures/tools.input.png";
import { rejection } from "./helpers/api";
import { withExifOrientation } from "./helpers/images";

const jpeg = new Uint8Array(jpegFile);
const png = new Uint8Array(pngFile);
const webp = new Uint8Array(webpFile);

const px = (p: Pixels, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];

/** A w x h image whose pixel (x, y) is (x, y, 7, 255), so every pixel says where it came from. */
function coordinateImage(w: number, h: number): Pixels {
	const data = new Uint8ClampedArray(w * h * 4);
	for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7, 255], (y * w + x) * 4);
	return { data, width: w, height: h };
}

describe("decode", () => {
	it("decodes JPEG, PNG and WebP to RGBA of the header's size", async () => {
		for (const [bytes, w, h] of [
			[jpeg, 454, 242],
			[png, 400, 400],
			[webp, 454, 242],
		] as const) {
			const { pixels } = await loadImage(bytes, DEFAULT_LIMITS);
			expect([pixels.width, pixels.height, pixels.data.length]).toEqual([w, h, w * h * 4]);
			// A photo has more than one colour: the decoder produced real pixels.
			expect(new Set(Array.from({ length: 50 }, (_, i) => pixels.data[i * 997 * 4])).size).toBeGreaterThan(3);
		}
	});

	it("applies EXIF orientation 6 as a quarter turn clockwise", async () => {
		const upright = (await loadImage(jpeg, DEFAULT_LIMITS)).pixels;
		const turned = (await loadImage(withExifOrientation(jpeg, 6), DEFAULT_LIMITS)).pixels;
		expect([turned.width, turned.height]).toEqual([242, 454]);
		// Display (x, y) of a clockwise turn shows stored (y, H-1-x).
		for (const [x, y] of [
			[0, 0],
			[10, 300],
			[241, 453],
		] as const) {
			expect(px(turned, x, y)).toEqual(px(upright, y, 241 - x));
		}
	});

	it("refuses a JPEG truncated mid-scan instead of returning grey filler", async () => {
		const err = await rejection(loadImage(jpeg.slice(0, Math.floor(jpeg.length * 0.6)), DEFAULT_LIMITS));
		expect([err.status, err.code]).toEqual([422, "truncated_image"]);
	});

	it("refuses a PNG whose data is damaged with 422 and decodes the next one", async () => {
		const broken = png.slice();
		for (let i = 200; i < 4000; i += 7) broken[i] ^= 0x5a;
		const err = await rejection(loadImage(broken, DEFAULT_LIMITS));
		// The IDAT chunk's CRC no longer matches its bytes.
		expect([err.status, err.code]).toEqual([422, "corrupt_image"]);
		expect((await loadImage(png, DEFAULT_LIMITS)).pixels.width).toBe(400);
	});

	it("downscales to the operation's maximum side before orienting", async () => {
		const { pixels, scale, original } = await loadImage(withExifOrientation(jpeg, 8), DEFAULT_LIMITS, 100);
		expect([pixels.width, pixels.height]).toEqual([53, 100]);
		expect(original).toEqual({ width: 242, height: 454 });
		expect(scale).toBeCloseTo(53 / 242, 6);
	});
});

describe("orientation", () => {
	it("maps all eight EXIF values to the right corners", () => {
		const src = coordinateImage(3, 2);
		// Where stored pixel (0,0) lands for each orientation, as [x, y] in the output.
		const corner: Record<number, [number, number]> = {
			1: [0, 0],
			2: [2, 0],
			3: [2, 1],
			4: [0, 1],
			5: [0, 0],
			6: [1, 0],
			7: [1, 2],
			8: [0, 2],
		};
		for (let o = 1; o <= 8; o++) {
			const out = applyOrientation(src, o);
			expect([out.width, out.height]).toEqual(o >= 5 ? [2, 3] : [3, 2]);
			const [x, y] = corner[o]!;
			expect(px(out, x, y)).toEqual([0, 0, 7, 255]);
		}
	});
});

describe("resize", () => {
	it("averages areas exactly for integer factors", () => {
		const src = coordinateImage(4, 4);
		for (let i = 0; i < src.data.length; i += 4) src.data.set([src.data[i]! * 10, src.data[i + 1]! * 20], i);
		const out = resizeArea(src, 2, 2);
		expect(px(out, 0, 0)).toEqual([5, 10, 7, 255]); // means of x*10 over {0,1} and y*20 over {0,1}
		expect(px(out, 1, 1)).toEqual([25, 50, 7, 255]);
		expect(px(resizeArea(src, 1, 1), 0, 0)).toEqual([15, 30, 7, 255]);
	});

	it("keeps a flat colour flat at fractional factors and ignores hidden colour under alpha 0", () => {
		const src = coordinateImage(37, 23);
		for (let i = 0; i < src.data.length; i += 4) src.data.set(i % 8 === 0 ? [200, 100, 50, 255] : [0, 255, 0, 0], i);
		const out = resizeArea(src, 10, 6);
		expect([out.width, out.height]).toEqual([10, 6]);
		for (let i = 0; i < out.data.length; i += 4) {
			expect([...out.data.subarray(i, i + 3)]).toEqual([200, 100, 50]);
		}
	});
});

describe("encode", () => {
	it("negotiates the format from ?format=, then Accept", () => {
		expect(chooseOutput({ format: "png" }).format).toBe("png");
		expect(chooseOutput({ accept: "image/avif,image/webp,image/*;q=0.8" }).format).toBe("webp");
		expect(chooseOutput({ accept: "image/webp;q=0, image/jpeg" }).format).toBe("jpeg");
		expect(chooseOutput({ accept: "*/*" }, "png").format).toBe("png");
		expect(chooseOutput({ accept: "*/*" }).format).toBe("jpeg");
		expect(chooseOutput({}).format).toBe("jpeg");
		expect(chooseOutput({ accept: "image/png" }).format).toBe("png");
		expect(() => chooseOutput({ format: "gif" })).toThrow(/format must be/);
		expect(() => chooseOutput({ quality: "0" })).toThrow(/quality/);
	});

	it("round-trips through each encoder", async () => {
		const { pixels } = await loadImage(png, DEFAULT_LIMITS);
		for (const format of ["jpeg", "png", "webp"] as const) {
			const encoded = await encodeImage(pixels, { format, quality: 90 });
			const info = probeImage(encoded.bytes);
			expect([info.format, info.width, info.height]).toEqual([format, 400, 400]);
			const back = (await loadImage(encoded.bytes, DEFAULT_LIMITS)).pixels;
			let err = 0;
			for (let i = 0; i < back.data.length; i++) err += Math.abs(back.data[i]! - pixels.data[i]!);
			expect(err / back.data.length).toBeLessThan(format === "png" ? 0.001 : 4);
		}
	});

	it("reserves at least the heap each libwebp or JPEG encoder call really takes", async () => {
		const MiB = 1024 * 1024;
		resetLibwebpPeaksForTest();
		const small = await loadImage(jpeg, DEFAULT_LIMITS);
		const whole = await loadImage(webp, DEFAULT_LIMITS);
		await encodeImage(small.pixels, { format: "jpeg", quality: 80 });
		const jpegHeap = jpegEncodeLastBytes();
		await encodeImage(small.pixels, { format: "webp", quality: 80 });
		const peaks = libwebpPeaks();
		// 454x242 needs 0.4 MiB of RGBA, but every libwebp call starts at the module's 16 MiB heap.
		for (const peak of Object.values(peaks)) expect(peak).toBeGreaterThanOrEqual(16 * MiB);
		expect(peaks.webp_decode + 4 * 454 * 242).toBeLessThanOrEqual(webpDecodeBytes(whole.info));
		expect(peaks.webp_encode).toBeLessThanOrEqual(encodeHeapBytes("webp", 454, 242));
		// Our JPEG encoder holds a few 16-row strips and a symbol buffer of 1.5 bytes a pixel, at most 4 MiB.
		expect(jpegHeap).toBeGreaterThan(0);
		expect(jpegHeap).toBeLessThanOrEqual(encodeHeapBytes("jpeg", 454, 242));
		expect(encodeHeapBytes("jpeg", 454, 242)).toBeLessThan(MiB);
		const encoded = await encodeImage(coordinateImage(2000, 1500), { format: "jpeg", quality: 80 });
		expect([probeImage(encoded.bytes).width, probeImage(encoded.bytes).height]).toEqual([2000, 1500]);
		expect(jpegEncodeLastBytes()).toBeLessThanOrEqual(encodeHeapBytes("jpeg", 2000, 1500));
		expect(encodeHeapBytes("jpeg", 2000, 1500)).toBe(encodeHeapBytes("jpeg", 2000, 15000));
		expect(encodeHeapBytes("jpeg", 2000, 1500)).toBeLessThan(5 * MiB);
	});
});
