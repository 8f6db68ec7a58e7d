import { describe, expect, it } from "vitest";
import {
	AVIF_MAX_SIDE,
	avifLastBytes,
	avifReservationBytes,
	chooseOutput,
	codecHeapBytes,
	DEFAULT_QUALITY,
	encodeHeapBytes,
	encodeImage,
	loadImage,
} from "../src/codecs";
import { DEFAULT_LIMITS } from "../src/lib/config";
import type { Pixels } from "../src/lib/pixels";
import pngFile from "./fixtures/tools.input.png";
import { avifDecodeReference, readAvifBoxes } from "./helpers/avif";
import { psnr } from "./helpers/metrics";

const MiB = 1024 * 1024;
const photo = async () => (await loadImage(new Uint8Array(pngFile), DEFAULT_LIMITS)).pixels;

/** A w x h crop of the photo, tiled where it runs past the edge. */
function tiled(src: Pixels, w: number, h: number): Pixels {
	const data = new Uint8ClampedArray(w * h * 4);
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const i = ((y % src.height) * src.width + (x % src.width)) * 4;
			data.set(src.data.subarray(i, i + 4), (y * w + x) * 4);
		}
	}
	return { data, width: w, height: h };
}

describe("AVIF encode", () => {
	it("writes an AVIF file whose container and pixels are the image's", async () => {
		const src = tiled(await photo(), 300, 200);
		const out = await encodeImage(src, { format: "avif", quality: DEFAULT_QUALITY.avif });
		expect(out.mime).toBe("image/avif");
		const boxes = readAvifBoxes(out.bytes);
		expect(boxes.brands[0]).toBe("avif");
		expect(boxes.brands).toContain("mif1");
		expect(boxes.ispe).toEqual({ width: 300, height: 200 });
		const back = await avifDecodeReference(out.bytes);
		expect([back.width, back.height]).toEqual([300, 200]);
		// Lossy, but the same picture: far above the ~12 dB of an unrelated image.
		expect(psnr(src, back)).toBeGreaterThan(32);
	});

	it("follows quality: a lower one makes a smaller, less faithful file", async () => {
		const src = tiled(await photo(), 256, 256);
		const low = await encodeImage(src, { format: "avif", quality: 30 });
		const high = await encodeImage(src, { format: "avif", quality: 90 });
		expect(low.bytes.length).toBeLessThan(high.bytes.length);
		const [lowBack, highBack] = [await avifDecodeReference(low.bytes), await avifDecodeReference(high.bytes)];
		expect(psnr(src, lowBack)).toBeLessThan(psnr(src, highBack));
	});

	it("gives every encode a fresh heap within its estimate, held by nothing once it ends", async () => {
		const large = tiled(await photo(), 900, 700);
		await encodeImage(large, { format: "avif", quality: 60 });
		const largeHeap = avifLastBytes();
		// 630k pixels outgrow the module's initial 16 MiB heap...
		expect(largeHeap).toBeGreaterThan(16 * MiB);
		expect(largeHeap).toBeLessThanOrEqual(encodeHeapBytes("avif", 900, 700));
		expect(codecHeapBytes()).toBe(0);
		// ...and the next call starts again from 16 MiB: no instance (or grown heap) is kept.
		await encodeImage(tiled(large, 64, 64), { format: "avif", quality: 60 });
		expect(avifLastBytes()).toBe(16 * MiB);
		expect(avifLastBytes()).toBeLessThanOrEqual(encodeHeapBytes("avif", 64, 64));
	});
});

describe("output negotiation", () => {
	const small = { width: 640, height: 480 };
	const auto = (accept: string | undefined, extra: { size?: typeof small; budgetBytes?: number } = {}) =>
		chooseOutput({ format: "auto", accept, budgetBytes: extra.budgetBytes, size: () => extra.size ?? small });

	it("format=auto: AVIF, else WebP, else JPEG, by what Accept names", () => {
		const matrix: [string | undefined, string][] = [
			["image/avif,image/webp,image/apng,image/*,*/*;q=0.8", "avif"],
			["image/avif", "avif"],
			["image/webp,image/*;q=0.8", "webp"],
			["image/avif;q=0,image/webp", "webp"],
			["image/jpeg", "jpeg"],
			["image/png", "jpeg"],
			["*/*", "jpeg"],
			["", "jpeg"],
			[undefined, "jpeg"],
		];
		for (const [accept, format] of matrix) {
			expect({ accept, ...auto(accept) }).toEqual({
				accept,
				format,
				quality: DEFAULT_QUALITY[format as "avif"],
				negotiated: true,
			});
		}
	});

	it("format=auto above AVIF's side cap or past the budget falls back to WebP, or JPEG", () => {
		const wide = { width: AVIF_MAX_SIDE + 1, height: 10 };
		expect(auto("image/avif,image/webp", { size: wide }).format).toBe("webp");
		expect(auto("image/avif", { size: wide }).format).toBe("jpeg");
		const atCap = { width: AVIF_MAX_SIDE, height: 10 };
		expect(auto("image/avif,image/webp", { size: atCap }).format).toBe("avif");
		// The budget bounds the reservation: one byte short of it, WebP.
		const need = avifReservationBytes(640, 480);
		expect(auto("image/avif,image/webp", { budgetBytes: need }).format).toBe("avif");
		expect(auto("image/avif,image/webp", { budgetBytes: need - 1 }).format).toBe("webp");
	});

	it("format=avif is explicit (no Vary), and a 422 above the cap", () => {
		expect(chooseOutput({ format: "avif", accept: "image/jpeg", size: () => small })).toEqual({
			format: "avif",
			quality: DEFAULT_QUALITY.avif,
			negotiated: false,
		});
		let err: unknown;
		try {
			chooseOutput({ format: "AVIF", size: () => ({ width: 10, height: AVIF_MAX_SIDE + 1 }) });
		} catch (e) {
			err = e;
		}
		expect(err).toMatchObject({ status: 422, code: "avif_too_large" });
		expect(String((err as Error).message)).toContain(`${AVIF_MAX_SIDE} px`);
	});

	it("keeps the default negotiation without format: WebP, JPEG, PNG, never AVIF unasked", () => {
		expect(chooseOutput({ accept: "image/avif,image/webp" }).format).toBe("webp");
		expect(chooseOutput({ accept: "image/avif" }).format).toBe("jpeg");
		expect(chooseOutput({ accept: "image/avif" }).negotiated).toBe(true);
		expect(chooseOutput({ format: "webp" }).negotiated).toBe(false);
	});

	it("takes one quality for any format or one per format, and names the range when wrong", () => {
		expect(auto("image/avif", {}).quality).toBe(70);
		expect(chooseOutput({ format: "webp" }).quality).toBe(85);
		expect(chooseOutput({ format: "jpeg" }).quality).toBe(85);
		expect(chooseOutput({ format: "png", quality: "40" }).quality).toBe(0);
		expect(chooseOutput({ format: "auto", accept: "image/avif", quality: "55" }).quality).toBe(55);
		const perFormat = "avif:50,webp:75";
		expect(chooseOutput({ format: "auto", accept: "image/avif", quality: perFormat }).quality).toBe(50);
		expect(chooseOutput({ format: "auto", accept: "image/webp", quality: perFormat }).quality).toBe(75);
		expect(chooseOutput({ format: "auto", accept: "image/jpeg", quality: perFormat }).quality).toBe(85);
		for (const bad of ["0", "101", "7.5", "high", "avif:0", "avif:101", "gif:50", "png:50", "avif:", "avif:5:6"]) {
			expect(() => chooseOutput({ format: "auto", quality: bad }), bad).toThrow(
				/quality must be an integer from 1 to 100/,
			);
		}
	});
});
