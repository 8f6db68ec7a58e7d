import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppError } from "../src/lib/errors";
import { initRuntime, loadSession, releaseSession, runtimeStatus } from "../src/ocr/session";
import pngFile from "./fixtures/tools.input.png";
import { postImage } from "./helpers/api";
import { expectSettled } from "./helpers/hostile";

/**
 * ORT failing inside its own initialisation. onnxruntime-web remembers that
 * failure for the life of its copy, so the failed copy is thrown away: the
 * failing request gets a 503 with Retry-After, the image routes never notice,
 * and the next request starts a fresh copy and works.
 */
describe("an ORT initialisation failure", () => {
	it("answers 503 for that request only, reports it in its status, and the next start recovers", async () => {
		expect(runtimeStatus().state).toBe("idle");
		const real = WebAssembly.instantiate;
		WebAssembly.instantiate = ((source: unknown, imports?: WebAssembly.Imports) =>
			source instanceof WebAssembly.Module
				? Promise.reject(new Error("import missing: env.emscripten_x"))
				: (real as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(
						source,
						imports,
					)) as typeof WebAssembly.instantiate;
		let err: AppError & { retryAfter?: number };
		try {
			err = (await initRuntime().catch((e: unknown) => e)) as AppError & { retryAfter?: number };
		} finally {
			WebAssembly.instantiate = real;
		}
		expect([err.status, err.code, err.retryAfter]).toEqual([503, "ocr_runtime_unavailable", 5]);
		expect(runtimeStatus().state).toBe("failed");

		// The client hears that OCR is unavailable, not what broke inside.
		expect(err.message).not.toMatch(/emscripten|import missing/);
		expect(runtimeStatus()).toMatchObject({ state: "failed", wasmBytes: 0, started: 0 });
		const styled = await postImage("/api/style/oil?max_side=32", new Uint8Array(pngFile));
		expect(styled.status).toBe(200);
		await styled.arrayBuffer();

		// The app runs the engine (OCR_ENGINE=ink), so ORT's next start is asked for directly.
		await initRuntime();
		await loadSession(
			"det",
			new Uint8Array(await (await env.MODELS.fetch("http://assets/ch_PP-OCRv4_det_infer.folded.onnx")).arrayBuffer()),
		);
		expect(runtimeStatus()).toMatchObject({ state: "ready", started: 1, sessions: ["det"] });
		await releaseSession("det");
		await expectSettled(new Uint8Array(pngFile));
	});
});
