import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { probeImage } from "../src/codecs";
import { BASE, expectOk } from "./helpers/api";
import { photoJpeg } from "./helpers/images";

type Status = {
	admission: { peak_reserved_bytes: number; reserved_bytes: number };
	memory: {
		kernel_wasm_bytes: number;
		kernel_wasm_peak_bytes: number;
		codec_peaks: Record<string, number>;
		codec_wasm_bytes: number;
	};
};
const status = async () => (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as unknown as Status;

describe("styled images at full size", () => {
	it("styles a 12 MP photo at its full 4000x3000 in strips, reserving at most 48 MB", async () => {
		const before = await status();
		expect(before.admission.peak_reserved_bytes).toBe(0);
		const jpeg = await photoJpeg(4000, 3000);
		for (const name of ["oil", "sketch", "detail_enhance"]) {
			const res = await SELF.fetch(`${BASE}/api/style/${name}?max_side=4000&format=jpeg`, {
				method: "POST",
				body: jpeg,
				headers: { "content-type": "image/jpeg" },
			});
			expect([name, res.status]).toEqual([name, 200]);
			// The three stages run interleaved; each still reports its own time.
			expect(res.headers.get("server-timing")).toMatch(/decode;dur=.*filter;dur=.*encode;dur=/);
			const out = new Uint8Array(await res.arrayBuffer());
			const info = probeImage(out);
			expect([info.format, info.width, info.height]).toEqual(["jpeg", 4000, 3000]);
		}
		const after = await status();
		// What admission granted is the strip pipeline's estimate: decoder, filter strips and encoder together.
		expect(after.admission.peak_reserved_bytes).toBeGreaterThan(0);
		expect(after.admission.peak_reserved_bytes).toBeLessThanOrEqual(48_000_000);
		// And what the wasm heaps really reached stays inside it (the 12 MP frame alone is 48 MB of RGBA).
		const { kernel_wasm_peak_bytes: kernel, codec_peaks: codec } = after.memory;
		expect(kernel + codec.jpeg_decode! + codec.jpeg_encode!).toBeLessThanOrEqual(after.admission.peak_reserved_bytes);
		expect(after.admission.reserved_bytes).toBe(0);
		expect(after.memory.codec_wasm_bytes).toBe(0);
		// The kernel's full-size strip layout is not kept for the next preview.
		expect(after.memory.kernel_wasm_peak_bytes).toBeGreaterThan(16 * 1024 * 1024);
		expect(after.memory.kernel_wasm_bytes).toBe(0);
	});

	it("answers a cut or damaged upload at full size with a JSON 422, and the isolate serves the next request", async () => {
		const jpeg = await photoJpeg(2000, 1500);
		const cut = jpeg.slice(0, Math.floor(jpeg.length * 0.6));
		const damaged = jpeg.slice();
		// Scramble entropy-coded data past the headers: the decoder must fail cleanly mid-stream.
		for (let i = Math.floor(jpeg.length * 0.4); i < jpeg.length * 0.5; i += 7) damaged[i] = 0xff;
		for (const [what, body] of [
			["cut", cut],
			["damaged", damaged],
		] as const) {
			const res = await SELF.fetch(`${BASE}/api/style/sketch?max_side=2000&format=jpeg`, {
				method: "POST",
				body,
				headers: { "content-type": "image/jpeg" },
			});
			const answer = (await res.json()) as { success: boolean; error: { code: string } };
			expect([what, res.status, answer.success]).toEqual([what, 422, false]);
			expect(["truncated_image", "corrupt_image", "undecodable_image"]).toContain(answer.error.code);
		}
		const after = await status();
		expect(after.admission.reserved_bytes).toBe(0);
		expect(after.memory.codec_wasm_bytes).toBe(0);
		const ok = await SELF.fetch(`${BASE}/api/style/sketch?max_side=2000&format=jpeg`, {
			method: "POST",
			body: jpeg,
			headers: { "content-type": "image/jpeg" },
		});
		expect(ok.status).toBe(200);
		await ok.arrayBuffer();
	});
});
