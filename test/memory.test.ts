import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { encodeImage } from "../src/codecs";
import { BASE, expectOk } from "./helpers/api";

/** A 4000x3000 (12 MP) photo-like JPEG: smooth gradients with some texture, built here so none is committed. */
async function twelveMegapixelJpeg(): Promise<Uint8Array> {
	const width = 4000;
	const height = 3000;
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
	memory: { live_pixel_bytes: number; codec_wasm_bytes: number; kernel_wasm_bytes: number };
	admission: { reserved_bytes: number; peak_reserved_bytes: number; in_flight: { ocr: number; filter: number } };
};

describe("memory accounting", () => {
	it("returns to where it started after a 12 MP styled preview, and no codec heap is kept", async () => {
		const jpeg = await twelveMegapixelJpeg();
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
		// The request reserved its decode peak: both copies of 12 MP RGBA.
		expect(after.admission.peak_reserved_bytes).toBeGreaterThanOrEqual(8 * 12_000_000);
		// No codec instance outlives its call: the decoder's 12 MP heap is not held.
		expect(after.memory.codec_wasm_bytes).toBe(before.memory.codec_wasm_bytes);
		// The kernel worked on the 1024x768 preview, not the upload: a few bytes a preview pixel.
		expect(after.memory.kernel_wasm_bytes).toBeLessThan(1024 * 768 * 24);
	});
});
