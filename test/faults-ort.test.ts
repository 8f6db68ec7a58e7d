import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppError } from "../src/lib/errors";
import { initRuntime, runtimeStatus } from "../src/ocr/session";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk, postImage } from "./helpers/api";
import { expectSettled } from "./helpers/hostile";

/**
 * ORT failing inside its own initialisation. onnxruntime-web remembers that
 * failure for the life of its module instance, so it cannot recover within
 * the isolate; what we require is that only OCR says so (503 with
 * Retry-After, the platform then recycles the isolate) while everything
 * else keeps working. This file has its own module instances, so the broken
 * runtime stays here.
 */
describe("an ORT initialisation failure", () => {
	it("answers 503 for models only, reports it in status, and leaves the image routes working", async () => {
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

		const res = await SELF.fetch(`${BASE}/api/models/det/load`, { method: "POST" });
		const body = await expectError(res, 503, "ocr_runtime_unavailable");
		expect(res.headers.get("retry-after")).toBe("5");
		// The client hears that OCR is unavailable, not what broke inside.
		expect(body.error?.message).not.toMatch(/emscripten|import missing/);

		const status = await expectOk(await SELF.fetch(`${BASE}/api/status`));
		expect(status.models).toMatchObject({ runtime: "failed" });
		const styled = await postImage("/api/style/oil?max_side=32", new Uint8Array(pngFile));
		expect(styled.status).toBe(200);
		await styled.arrayBuffer();
		await expectSettled(new Uint8Array(pngFile));
	});
});
