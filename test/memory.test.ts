import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { encodeImage } from "../src/codecs";
import signJpeg from "./fixtures/ocr/dev_en_sign_01.jpg";
import progressiveFile from "./fixtures/progressive_12mp.jpg";
import { BASE, expectOk, postImage } from "./helpers/api";

/** A photo-like JPEG (12 MP by default): smooth gradients with some texture, built here so none is committed. */
async function photoJpeg(width = 4000, height = 3000): Promise<Uint8Array> {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			data[i] = (x >> 4) & 255;
			data[i + 1] = (y >> 4) & 255;
			data[i + 2] = ((x ^ y) >> 3) & 255;
			data[i + 3] = 255;
		}
	}
	return (await encodeImage({ data, width, height }, { format: "jpeg", quality: 80 })).bytes;
}

type Status = {
	memory: { live_pixel_bytes: number; codec_wasm_bytes: number; kernel_wasm_bytes: number; ocr_wasm_bytes: number };
	models: { loaded: string[]; ocr_runtime: { state: string; dropped: number } };
	admission: {
		reserved_bytes: number;
		peak_reserved_bytes: number;
		in_flight: { ocr: number; filter: number };
		held_bytes: { ocr: number; filter: number; other: number; cache: number };
		reclaimed_bytes: number;
	};
	cache: { bytes: number; shed_bytes: number };
};
const status = async () => (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as unknown as Status;

describe("memory accounting", () => {
	it("refuses a 12 MP progressive JPEG up front: its decode alone needs more than the budget", async () => {
		// Progressive scans keep every coefficient until the last one: 8.3 bytes a pixel of codec heap.
		const progressive = new Uint8Array(progressiveFile);
		for (const path of ["/api/style/sketch", "/api/ocr"]) {
			const res = await postImage(path, progressive, "image/jpeg");
			expect(res.status).toBe(413);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe("over_memory_budget");
		}
		const after = await status();
		expect(after.admission.in_flight).toEqual({ ocr: 0, filter: 0 });
		expect(after.admission.reserved_bytes).toBe(0);
	});

	it("returns to where it started after a 12 MP styled preview, and no codec heap is kept", async () => {
		const jpeg = await photoJpeg();
		const before = (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as unknown as Status;
		const res = await SELF.fetch(`${BASE}/api/style/sketch?format=jpeg`, {
			method: "POST",
			body: jpeg,
			headers: { "content-type": "image/jpeg" },
		});
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		const after = (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as unknown as Status;
		expect(after.memory.live_pixel_bytes).toBe(before.memory.live_pixel_bytes);
		expect(after.admission.in_flight).toEqual({ ocr: 0, filter: 0 });
		// The request reserved its decode peak: MozJPEG's heap (4.3 bytes a pixel) and our 12 MP RGBA.
		expect(after.admission.peak_reserved_bytes).toBeGreaterThanOrEqual(83 * 1_200_000);
		// No codec instance outlives its call: the decoder's 12 MP heap is not held.
		expect(after.memory.codec_wasm_bytes).toBe(before.memory.codec_wasm_bytes);
		// The kernel worked on the 1024x768 preview, not the upload: a few bytes a preview pixel.
		expect(after.memory.kernel_wasm_bytes).toBeLessThan(1024 * 768 * 24);
	});

	it("counts the idle OCR runtime against a large filter request and drops it to make room", async () => {
		const ocr = await postImage("/api/ocr", new Uint8Array(signJpeg), "image/jpeg");
		expect(ocr.status).toBe(200);
		await ocr.arrayBuffer();
		const loaded = await status();
		expect(loaded.models.loaded.sort()).toEqual(["cls", "det", "rec"]);
		expect(loaded.admission.held_bytes.ocr).toBe(loaded.memory.ocr_wasm_bytes);
		expect(loaded.memory.ocr_wasm_bytes).toBeGreaterThan(30 * 1024 * 1024);
		// Cached results count as held too: the OCR answer just stored is among them.
		expect(loaded.admission.held_bytes.cache).toBe(loaded.cache.bytes);
		expect(loaded.cache.bytes).toBeGreaterThan(0);

		// 3600 x 2700: about 78 MB to decode, more than the budget leaves beside the idle runtime.
		const big = await photoJpeg(3600, 2700);
		const res = await postImage("/api/style/sketch?format=jpeg", big, "image/jpeg");
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		const after = await status();
		expect(after.models.loaded).toEqual([]);
		expect(after.models.ocr_runtime).toMatchObject({ state: "idle", dropped: loaded.models.ocr_runtime.dropped + 1 });
		expect(after.memory.ocr_wasm_bytes).toBe(0);
		// The cache went first (all of it: the shortfall is larger), then the runtime.
		const shed = after.cache.shed_bytes - loaded.cache.shed_bytes;
		expect(shed).toBe(loaded.cache.bytes);
		expect(after.admission.reclaimed_bytes - loaded.admission.reclaimed_bytes).toBe(
			loaded.memory.ocr_wasm_bytes + shed,
		);
		expect(after.admission.reserved_bytes).toBe(0);

		// OCR loads a fresh runtime on its next request.
		const again = await postImage("/api/ocr", new Uint8Array(signJpeg), "image/jpeg");
		expect(again.status).toBe(200);
		expect(((await again.json()) as { data: { text: string } }).data.text.length).toBeGreaterThan(0);
	});
});
