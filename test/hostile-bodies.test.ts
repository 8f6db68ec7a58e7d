import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AppError } from "../src/lib/errors";
import { readCappedBody } from "../src/lib/upload";
import jpegFile from "./fixtures/dev_en_label_01.jpg";
import webpFile from "./fixtures/dev_en_label_01.webp";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk, post, postImage } from "./helpers/api";
import { endlessBase64Json, expectSettled, trickle } from "./helpers/hostile";
import { toBase64 } from "./helpers/images";

const jpeg = new Uint8Array(jpegFile);
const png = new Uint8Array(pngFile);
const webp = new Uint8Array(webpFile);
const JSON_TYPE = { "content-type": "application/json" };
const CAP = 30 * 1024 * 1024;

describe("content types that lie", () => {
	it("sniffs the bytes whatever the label or filename says", async () => {
		expect(await expectOk(await postImage("/api/probe", webp, "image/png"))).toMatchObject({ format: "webp" });
		const form = new FormData();
		form.append("file", new Blob([jpeg], { type: "image/webp" }), "photo.png");
		expect(await expectOk(await post("/api/probe", form))).toMatchObject({ format: "jpeg" });
	});

	it("refuses text labelled as an image with 415, and an image labelled as JSON with 400", async () => {
		const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
		const body = await expectError(await postImage("/api/style/oil", html, "image/png"), 415, "unsupported_format");
		expect(body.error?.message).toContain("text or markup");
		await expectError(await postImage("/api/probe", png, "application/json"), 400, "invalid_json");
	});

	it("refuses a body labelled multipart that is not, with 400", async () => {
		await expectError(await postImage("/api/probe", png, "multipart/form-data"), 400, "invalid_multipart");
		await expectError(
			await postImage("/api/probe", png, "multipart/form-data; boundary=xyz"),
			400,
			"invalid_multipart",
		);
	});

	it("refuses a multipart `file` sent as a plain text field with 415", async () => {
		const form = new FormData();
		form.append("file", "not an image at all");
		await expectError(await post("/api/probe", form), 415, "unsupported_format");
	});
});

describe("bodies that are too big or too deep", () => {
	it("refuses JSON that streams base64 without end with 413 after reading about the cap", async () => {
		const { stream, pulled } = endlessBase64Json();
		const res = await SELF.fetch(`${BASE}/api/probe`, { method: "POST", body: stream, headers: JSON_TYPE });
		await expectError(res, 413, "body_too_large");
		// The stream may run a few chunks ahead of the reader, never far past the cap.
		expect(pulled()).toBeGreaterThan(CAP);
		expect(pulled()).toBeLessThan(CAP + 4 * 1024 * 1024);
		await expectSettled(png);
	});

	it("refuses a body whose Content-Length claims a gigabyte before reading it", async () => {
		const request = new Request(`${BASE}/api/probe`, {
			method: "POST",
			body: '{"image":"QUJD"}',
			headers: { ...JSON_TYPE, "content-length": String(1024 ** 3) },
		});
		const err = await readCappedBody(request, CAP).catch((e: unknown) => e);
		expect([(err as AppError).status, (err as AppError).code]).toEqual([413, "body_too_large"]);
	});

	it("refuses deeply nested JSON with 400 and keeps serving", async () => {
		for (const depth of [1000, 100_000]) {
			const nested = `${"[".repeat(depth)}${"]".repeat(depth)}`;
			for (const text of [nested, `{"image":${nested}}`, `{"image":"${toBase64(png)}","opts":${nested}}`]) {
				const res = await post("/api/probe", text, JSON_TYPE);
				if (text.startsWith('{"image":"')) {
					// Non-scalar extra fields are ignored, however deep.
					expect(await expectOk(res)).toMatchObject({ format: "png" });
					continue;
				}
				const body = (await res.json()) as { error: { code: string } };
				expect([res.status, ["invalid_json", "missing_field"].includes(body.error.code)]).toEqual([400, true]);
			}
		}
		await expectSettled(png);
	});
});

describe("bodies that arrive slowly", () => {
	it("styles an upload that trickles in over 40 chunks", async () => {
		const res = await SELF.fetch(`${BASE}/api/style/sketch?max_side=48&format=png`, {
			method: "POST",
			body: trickle(png, 40, 10),
		});
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("image/png");
		await res.arrayBuffer();
	});

	it("reads JSON base64 that trickles in", async () => {
		const text = new TextEncoder().encode(JSON.stringify({ image: toBase64(webp) }));
		const res = await SELF.fetch(`${BASE}/api/probe`, {
			method: "POST",
			body: trickle(text, 25, 8),
			headers: JSON_TYPE,
		});
		expect(await expectOk(res)).toMatchObject({ format: "webp", received_as: "json" });
	});

	it("gives up on a body that stops arriving with 408, without holding anything", async () => {
		const stalled = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(png.subarray(0, 100));
			},
		});
		const request = new Request(`${BASE}/api/probe`, { method: "POST", body: stalled, duplex: "half" } as RequestInit);
		const started = Date.now();
		const err = await readCappedBody(request, CAP, { idleMs: 200 }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(AppError);
		expect([(err as AppError).status, (err as AppError).code]).toEqual([408, "body_timeout"]);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it("answers a body stream that breaks with 400, not 500", async () => {
		const broken = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(png.subarray(0, 100));
				controller.error(new Error("connection reset"));
			},
		});
		const request = new Request(`${BASE}/api/probe`, { method: "POST", body: broken, duplex: "half" } as RequestInit);
		const err = await readCappedBody(request, CAP).catch((e: unknown) => e);
		expect([(err as AppError).status, (err as AppError).code]).toEqual([400, "body_read_failed"]);
		expect((err as AppError).message).not.toContain("connection reset");
	});

	it("recovers when the client walks away mid-upload, without counting a server error", async () => {
		const stats = async () => (await expectOk(await SELF.fetch(`${BASE}/api/status`))) as Record<string, number>;
		const before = await stats();
		const controller = new AbortController();
		const res = SELF.fetch(`${BASE}/api/style/oil`, {
			method: "POST",
			body: trickle(png, 1000, 20),
			signal: controller.signal,
		});
		setTimeout(() => controller.abort(), 150);
		await expect(res).rejects.toThrow();
		let after = await stats();
		// The server sees the body end early; give it a moment to answer the half upload.
		for (let i = 0; i < 40 && after.requests_served < before.requests_served + 2; i++) {
			await new Promise((r) => setTimeout(r, 100));
			after = await stats();
		}
		// The abandoned request has finished on the server side, as a client fault.
		expect(after.requests_served).toBe(before.requests_served + 2);
		expect(after.server_errors).toBe(before.server_errors);
		await expectSettled(png);
	});
});
