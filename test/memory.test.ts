import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { planDecode, probeImage } from "../src/codecs";
import { jpegLastHeapBytes } from "../src/codecs/jpeg";
import { admission } from "../src/memory";
import signJpeg from "./fixtures/ocr/dev_en_sign_01.jpg";
import progressiveFile from "./fixtures/progressive_12mp.jpg";
import { BASE, expectOk, postImage } from "./helpers/api";
import { photoJpeg } from "./helpers/images";

type Status = {
	memory: {
		live_pixel_bytes: number;
		codec_wasm_bytes: number;
		kernel_wasm_bytes: number;
		ocr_wasm_bytes: number;
		ocr_resample_wasm_bytes: number;
		ocr_resample_wasm_peak_bytes: number;
		codec_peaks: Record<string, number>;
	};
	models: { loaded: string[]; ocr_runtime: { state: string; dropped: number } };
	admission: {
		reserved_bytes: number;
		peak_reserved_bytes: number;
		in_flight: { ocr: number; filter: number };
		held_bytes: { ocr: number; filter: number; cache: number };
		reclaimed_bytes: number;
	};
	cache: { bytes: number; shed_bytes: number };
};
// The isolate's admission is created here, without bindings, before any request: whichever caller
// creates it, reclaim must still reach the runtimes (the last test drops the OCR runtime through it).
admission(undefined);

const status = async () => (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as unknown as Status;
const MiB = 1024 * 1024;

describe("memory accounting", () => {
	it("styles and reads a 12 MP progressive JPEG, storing only the coefficients its scale needs", async () => {
		const progressive = new Uint8Array(progressiveFile);
		const info = probeImage(progressive);
		expect([info.width, info.height, info.progressive]).toEqual([4000, 3000, true]);
		const preview = planDecode(progressive, info, 1024);
		const ocrView = planDecode(progressive, info, 2048);
		// The preview decodes at 1/2 (luma keeps its 4x4 low band); the 2048 OCR view needs full scale (2000 < 2048).
		expect([preview.denom, ocrView.denom]).toEqual([2, 1]);
		const style = await postImage("/api/style/sketch?format=jpeg", progressive, "image/jpeg");
		expect(style.status).toBe(200);
		await style.arrayBuffer();
		const afterStyle = await status();
		// The kernel's heap is what the plan reserved for it, at most, and far below the 12 MP frame's 48 MB of RGBA.
		expect(afterStyle.memory.codec_peaks.jpeg_decode).toBeLessThanOrEqual(preview.decoderBytes);
		expect(preview.decoderBytes).toBeLessThan(32 * MiB);
		const ocr = await postImage("/api/ocr", progressive, "image/jpeg");
		expect(ocr.status).toBe(200);
		expect(((await ocr.json()) as { data: { width: number } }).data.width).toBe(4000);
		const after = await status();
		expect(after.memory.codec_peaks.jpeg_decode).toBeLessThanOrEqual(ocrView.decoderBytes);
		expect(after.admission.in_flight).toEqual({ ocr: 0, filter: 0 });
		expect(after.admission.reserved_bytes).toBe(0);
		// No decoder instance outlives its request.
		expect(after.memory.codec_wasm_bytes).toBe(0);
		// Nor the OCR resizer's, whose largest memory the status still shows.
		expect(after.memory.ocr_resample_wasm_bytes).toBe(0);
		expect(after.memory.ocr_resample_wasm_peak_bytes).toBeGreaterThan(0);
	});

	it("returns to where it started after a 12 MP styled preview, reserving the decode of rows, not the frame", async () => {
		const jpeg = await photoJpeg();
		const before = await status();
		const res = await SELF.fetch(`${BASE}/api/style/sketch?format=jpeg`, {
			method: "POST",
			body: jpeg,
			headers: { "content-type": "image/jpeg" },
		});
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		const after = await status();
		expect(after.memory.live_pixel_bytes).toBe(before.memory.live_pixel_bytes);
		expect(after.admission.in_flight).toEqual({ ocr: 0, filter: 0 });
		// A baseline scan is decoded MCU row by MCU row at 1/2 scale: a few MB of kernel heap.
		const plan = planDecode(jpeg, probeImage(jpeg), 1024);
		expect(plan.denom).toBe(2);
		// The same isolate serves SELF, so the decoder's own reading of its last heap is visible here.
		expect(jpegLastHeapBytes()).toBeGreaterThan(0);
		expect(jpegLastHeapBytes()).toBeLessThanOrEqual(plan.decoderBytes);
		expect(plan.decoderBytes).toBeLessThanOrEqual(4 * MiB);
		// No codec instance outlives its call.
		expect(after.memory.codec_wasm_bytes).toBe(0);
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
		expect(loaded.memory.ocr_wasm_bytes).toBeGreaterThan(8 * 1024 * 1024);
		// Cached results count as held too: the OCR answer just stored is among them.
		expect(loaded.admission.held_bytes.cache).toBe(loaded.cache.bytes);
		expect(loaded.cache.bytes).toBeGreaterThan(0);

		// A 2400x2400 padded watercolor of a 12 MP photo: its whole-frame phases (the decode, the
		// filter's planes, the padded canvas) reserve about 99 MB, more than the budget leaves
		// beside the idle engine's heap.
		const big = await photoJpeg(4000, 3000);
		const res = await postImage("/api/style/watercolor?format=jpeg&w=2400&h=2400&fit=pad", big, "image/jpeg");
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
