import { Hono } from "hono";
import { resultCache } from "../cache";
import { codecHeapBytes, codecPeaks } from "../codecs";
import { kernelMemoryBytes, kernelPeakBytes } from "../filters";
import { requestStats } from "../lib/stats";
import { admission, uploadPool } from "../memory";
import { runtimeStatus, wasmPeakBytes } from "../ocr/inference";
import { resamplerBytes, resamplerPeakBytes } from "../ocr/resample";
import { runtimeView } from "./models";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/**
 * GET /api/status: what this isolate is doing and holding. Wasm memories
 * never shrink, so the current sizes are also each instance's high-water mark
 * unless it was dropped; the peaks survive a drop.
 */
export const statusRoutes = new Hono<AppEnv>().get("/", (c) => {
	const ocr = runtimeStatus();
	const memory = {
		codec_wasm_bytes: codecHeapBytes(),
		kernel_wasm_bytes: kernelMemoryBytes(),
		ocr_wasm_bytes: ocr.wasmBytes,
		// The OCR resizer's instance lives only while a page is read.
		ocr_resample_wasm_bytes: resamplerBytes(),
		codec_wasm_peak_bytes: Math.max(...Object.values(codecPeaks())),
		kernel_wasm_peak_bytes: kernelPeakBytes(),
		ocr_wasm_peak_bytes: wasmPeakBytes(),
		ocr_resample_wasm_peak_bytes: resamplerPeakBytes(),
	};
	return ok(c, {
		...requestStats(),
		limits: c.get("config").limits,
		memory: {
			...memory,
			wasm_total_bytes:
				memory.codec_wasm_bytes + memory.kernel_wasm_bytes + memory.ocr_wasm_bytes + memory.ocr_resample_wasm_bytes,
			live_pixel_bytes: admission(c.env).stats().reserved_bytes,
			codec_peaks: codecPeaks(),
		},
		models: { runtime: ocr.state, loaded: ocr.sessions, ocr_runtime: runtimeView(ocr) },
		admission: admission(c.env).stats(),
		uploads: uploadPool(c.env).stats(),
		cache: resultCache(c.env).stats(),
	});
});
