import jpegEncWasm from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import encodeJpeg, { init as initJpegEncode } from "@jsquash/jpeg/encode.js";
import webpEncWasm from "@jsquash/webp/codec/enc/webp_enc_simd.wasm";
import encodeWebp, { init as initWebpEncode } from "@jsquash/webp/encode.js";
import { describe, expect, it } from "vitest";
import { encodeImage, loadImage, probeImage } from "../src/codecs";
import { decodeWebp } from "../src/codecs/webp";
import { DEFAULT_LIMITS } from "../src/lib/config";
import type { Pixels } from "../src/lib/pixels";
import pngFile from "./fixtures/tools.input.png";
import { expectError, expectOk, postImage } from "./helpers/api";
import { animatedWebp, expectSettled } from "./helpers/hostile";
import { makeJpeg } from "./helpers/hostile-jpeg";
import { withExifOrientation } from "./helpers/images";
import { COLOR, makePng } from "./helpers/png";

const good = new Uint8Array(pngFile);
const load = (bytes: Uint8Array) => loadImage(bytes, DEFAULT_LIMITS);
const at = (p: Pixels, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);
const gradient = (x: number, y: number) => [(x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256];

/** Mean absolute difference per channel between decoded RGB and the source samples. */
function meanError(p: Pixels, samples: (x: number, y: number) => number[]): number {
	let sum = 0;
	for (let y = 0; y < p.height; y++) {
		for (let x = 0; x < p.width; x++) {
			const want = samples(x, y);
			for (let c = 0; c < 3; c++) sum += Math.abs(p.data[(y * p.width + x) * 4 + c]! - want[c]!);
		}
	}
	return sum / (p.width * p.height * 3);
}

describe("JPEG variants", () => {
	it("decodes a progressive JPEG and probe says so; our own encoder writes baseline", async () => {
		const src = await load(good);
		await initJpegEncode(jpegEncWasm);
		const progressive = new Uint8Array(
			await encodeJpeg(src.pixels as unknown as Parameters<typeof encodeJpeg>[0], { quality: 90, progressive: true }),
		);
		expect(await expectOk(await postImage("/api/probe", progressive))).toMatchObject({ progressive: true });
		const back = await load(progressive);
		expect([back.pixels.width, back.pixels.height]).toEqual([400, 400]);
		const ours = await encodeImage(src.pixels, { format: "jpeg", quality: 90 });
		expect(await expectOk(await postImage("/api/probe", ours.bytes))).toMatchObject({ progressive: false });
	});

	it("decodes baseline JPEGs with restart markers faithfully, and refuses one cut mid-scan", async () => {
		for (const restartInterval of [0, 1, 7]) {
			const bytes = makeJpeg({ width: 61, height: 37, components: 3, samples: gradient, restartInterval });
			const rst = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xd0);
			expect(rst > 0).toBe(restartInterval > 0);
			const { pixels } = await load(bytes);
			expect(meanError(pixels, gradient)).toBeLessThan(3);
			if (restartInterval) {
				await expectError(await postImage("/api/style/sketch", bytes.slice(0, rst + 40)), 422, "truncated_image");
			}
		}
	});

	it("decodes a grayscale JPEG to equal R, G and B", async () => {
		const { pixels } = await load(makeJpeg({ width: 24, height: 16, components: 1, samples: (x) => [x * 10] }));
		expect(near(at(pixels, 20, 3), [200, 200, 200, 255], 4)).toBe(true);
	});

	it("decodes a 4-component Adobe CMYK JPEG to RGB", async () => {
		// Pure magenta + yellow ink, no black: red on screen.
		const cmyk = makeJpeg({ width: 16, height: 16, components: 4, samples: () => [0, 255, 255, 0] });
		expect(await expectOk(await postImage("/api/probe", cmyk))).toMatchObject({ components: 4 });
		const { pixels } = await load(cmyk);
		expect(near(at(pixels, 8, 8), [255, 0, 0, 255], 4)).toBe(true);
		const res = await postImage("/api/style/oil", cmyk);
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		await expectSettled(good);
	});

	it("shows every EXIF orientation (1-8) as the spec's table says", async () => {
		// Stored 32x16: red, green on top; blue, white below. Corners as displayed, per orientation.
		const quad = (x: number, y: number) =>
			y < 8 ? (x < 16 ? [255, 0, 0] : [0, 255, 0]) : x < 16 ? [0, 0, 255] : [255, 255, 255];
		const [R, G, B, W] = [
			[255, 0, 0],
			[0, 255, 0],
			[0, 0, 255],
			[255, 255, 255],
		];
		const corners: Record<number, number[][]> = {
			1: [R, G, B, W],
			2: [G, R, W, B],
			3: [W, B, G, R],
			4: [B, W, R, G],
			5: [R, B, G, W],
			6: [B, R, W, G],
			7: [W, G, B, R],
			8: [G, W, R, B],
		};
		const base = makeJpeg({ width: 32, height: 16, components: 3, samples: quad });
		for (let o = 1; o <= 8; o++) {
			const { pixels: p } = await load(withExifOrientation(base, o, o % 2 === 0));
			expect([o, p.width, p.height]).toEqual([o, o >= 5 ? 16 : 32, o >= 5 ? 32 : 16]);
			const seen = [at(p, 1, 1), at(p, p.width - 2, 1), at(p, 1, p.height - 2), at(p, p.width - 2, p.height - 2)];
			for (const [i, c] of seen.entries()) {
				expect(near(c, [...corners[o]![i]!, 255], 12), `orientation ${o} corner ${i}`).toBe(true);
			}
		}
	});
});

describe("PNG variants", () => {
	const W = 13;
	const H = 11;
	it("decodes 16-bit, palette, gray+alpha and Adam7-interlaced PNGs to the right 8-bit RGBA", async () => {
		const cases: [string, Parameters<typeof makePng>[0], number[]][] = [
			[
				"16-bit RGBA",
				{ width: W, height: H, colorType: COLOR.rgba, bitDepth: 16, samples: () => [0x1234, 0xffff, 0, 0x8000] },
				[0x12, 0xff, 0, 0x80],
			],
			[
				"16-bit gray",
				{ width: W, height: H, colorType: COLOR.gray, bitDepth: 16, samples: () => [0xabcd] },
				[0xab, 0xab, 0xab, 255],
			],
			[
				"palette + tRNS",
				{
					width: W,
					height: H,
					colorType: COLOR.palette,
					samples: () => [1],
					palette: [
						[0, 0, 0],
						[10, 20, 30],
					],
					paletteAlpha: [255, 77],
				},
				[10, 20, 30, 77],
			],
			["gray + alpha", { width: W, height: H, colorType: COLOR.grayAlpha, samples: () => [90, 30] }, [90, 90, 90, 30]],
		];
		for (const [name, spec, want] of cases) {
			const plain = await load(await makePng(spec));
			expect([name, ...at(plain.pixels, 5, 7)]).toEqual([name, ...want]);
			const interlaced = await load(await makePng({ ...spec, interlaced: true }));
			expect([name, Array.from(interlaced.pixels.data)]).toEqual([name, Array.from(plain.pixels.data)]);
		}
	});

	it("keeps every pixel of a varied interlaced image in place, through the style route too", async () => {
		const spec = { width: 37, height: 23, colorType: COLOR.rgb, samples: gradient };
		const interlaced = await makePng({ ...spec, interlaced: true });
		expect(await expectOk(await postImage("/api/probe", interlaced))).toMatchObject({ width: 37, height: 23 });
		expect(meanError((await load(interlaced)).pixels, gradient)).toBe(0);
		expect((await postImage("/api/style/watercolor?max_side=32", interlaced)).status).toBe(200);
	});
});

describe("WebP variants", () => {
	const alphaCard = (x: number, y: number) => [x * 8, y * 8, 128, x < 16 ? 255 : 0];
	const card = (w: number, h: number, f: (x: number, y: number) => number[]): Pixels => {
		const data = new Uint8ClampedArray(w * h * 4);
		for (let i = 0; i < w * h; i++) data.set(f(i % w, Math.floor(i / w)), i * 4);
		return { data, width: w, height: h };
	};
	const lossless = async (p: Pixels) => {
		await initWebpEncode(webpEncWasm);
		return new Uint8Array(
			await encodeWebp(p as unknown as Parameters<typeof encodeWebp>[0], { lossless: 1, exact: 1 }),
		);
	};

	it("decodes lossless (VP8L) WebP exactly, alpha included", async () => {
		const src = card(32, 20, alphaCard);
		const bytes = await lossless(src);
		expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe("VP8L");
		expect(await expectOk(await postImage("/api/probe", bytes))).toMatchObject({ has_alpha: true, width: 32 });
		// Lossless decodes take more codec memory, so admission needs to know.
		expect(probeImage(bytes).lossless).toBe(true);
		expect(Array.from((await load(bytes)).pixels.data)).toEqual(Array.from(src.data));
	});

	it("decodes lossy WebP with an alpha channel (VP8X + ALPH)", async () => {
		const bytes = (await encodeImage(card(32, 20, alphaCard), { format: "webp", quality: 90 })).bytes;
		expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe("VP8X");
		// The chunks after VP8X are ALPH and VP8: a lossy bitstream.
		expect(probeImage(bytes).lossless).toBe(false);
		const { pixels } = await load(bytes);
		expect([at(pixels, 3, 3)[3], at(pixels, 28, 3)[3]]).toEqual([255, 0]);
	});

	it("decodes the first frame of an animated WebP, lossy+alpha or lossless", async () => {
		const red = card(24, 16, () => [255, 0, 0, 255]);
		const blue = card(24, 16, () => [0, 0, 255, 128]);
		const lossy = async (p: Pixels) => (await encodeImage(p, { format: "webp", quality: 90 })).bytes;
		for (const frames of [
			[await lossy(red), await lossy(blue)],
			[await lossless(blue), await lossless(red)],
		]) {
			const anim = animatedWebp(frames, 24, 16, true);
			// libwebp's still decoder refuses the file as it is: the first-frame path is what makes it work.
			await expect(decodeWebp(anim)).rejects.toThrow();
			expect(await expectOk(await postImage("/api/probe", anim))).toMatchObject({ animated: true, width: 24 });
			const { pixels } = await load(anim);
			// The two frames differ in colour, so matching frame 0 exactly rules out frame 1.
			const first = (await load(frames[0]!)).pixels;
			expect(Array.from(pixels.data)).toEqual(Array.from(first.data));
			expect((await postImage("/api/style/oil?max_side=16", anim)).status).toBe(200);
		}
		await expectError(await postImage("/api/style/oil", animatedWebp([], 24, 16)), 422, "corrupt_image");
		await expectSettled(good);
	});
});
