import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppError } from "../src/lib/errors";
import { UploadPool } from "../src/memory/uploads";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk, postImage } from "./helpers/api";

const MB = 1024 * 1024;

describe("the upload pool", () => {
	it("holds bytes while reading, shrinks to the upload, and refuses what does not fit", () => {
		const pool = new UploadPool(64 * MB);
		const first = pool.hold(40 * MB);
		const refused = (() => {
			try {
				pool.hold(30 * MB);
			} catch (e) {
				return e as AppError & { retryAfter?: number };
			}
		})();
		expect([refused?.status, refused?.code, refused?.retryAfter]).toEqual([503, "uploads_busy", 1]);
		first.shrink(2 * MB);
		const second = pool.hold(30 * MB);
		expect(pool.stats()).toMatchObject({ held_bytes: 32 * MB, peak_bytes: 40 * MB, refused: 1 });
		first.release();
		second.release();
		second.release();
		expect(pool.stats().held_bytes).toBe(0);
		// An empty pool takes any single request: the body cap bounds one upload.
		pool.hold(100 * MB).release();
	});

	it("refuses a second large upload of unknown length while one is arriving, and frees it when it ends", async () => {
		// No Content-Length: the reader must assume the body cap (30 MiB), held twice while reading.
		let push: ReadableStreamDefaultController<Uint8Array> | undefined;
		const slow = new ReadableStream<Uint8Array>({
			start(controller) {
				push = controller;
				controller.enqueue(new Uint8Array(pngFile).slice(0, 64));
			},
		});
		const first = SELF.fetch(`${BASE}/api/probe`, { method: "POST", body: slow, duplex: "half" } as RequestInit);
		await new Promise((r) => setTimeout(r, 100));
		const during = await expectOk(await SELF.fetch(`${BASE}/api/status`));
		expect((during.uploads as { held_bytes: number }).held_bytes).toBe(60 * MB);

		const second = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new Uint8Array(pngFile));
				controller.close();
			},
		});
		const busy = await SELF.fetch(`${BASE}/api/probe`, { method: "POST", body: second, duplex: "half" } as RequestInit);
		await expectError(busy, 503, "uploads_busy");
		expect(busy.headers.get("retry-after")).toBe("1");
		// A small upload with a declared length still fits beside it.
		const small = await postImage("/api/probe", new Uint8Array(pngFile), "image/png");
		expect(small.status).toBe(200);
		await small.arrayBuffer();

		push?.enqueue(new Uint8Array(pngFile).slice(64));
		push?.close();
		const done = await first;
		expect(done.status).toBe(200);
		await done.arrayBuffer();
		const after = await expectOk(await SELF.fetch(`${BASE}/api/status`));
		expect(after.uploads).toMatchObject({ held_bytes: 0 });
	});
});
