import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import jpegFile from "./fixtures/dev_en_label_01.jpg";
import webpFile from "./fixtures/dev_en_label_01.webp";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk, post, postImage } from "./helpers/api";
import { pngHeaderClaiming, toBase64, withExifOrientation } from "./helpers/images";

const jpeg = new Uint8Array(jpegFile);
const png = new Uint8Array(pngFile);
const webp = new Uint8Array(webpFile);

async function md5(bytes: Uint8Array): Promise<string> {
	const d = new Uint8Array(await crypto.subtle.digest("MD5", bytes));
	return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("POST /api/probe: input forms", () => {
	it("reads a multipart upload in the `file` field", async () => {
		const form = new FormData();
		form.append("file", new Blob([jpeg], { type: "image/jpeg" }), "label.jpg");
		const data = await expectOk(await post("/api/probe", form));
		expect(data).toMatchObject({ format: "jpeg", width: 454, height: 242, orientation: 1, bytes: jpeg.length });
		expect(data.md5).toBe(await md5(jpeg));
		expect(data.received_as).toBe("multipart");
	});

	it("reads a raw body", async () => {
		const data = await expectOk(await postImage("/api/probe", png, "image/png"));
		expect(data).toMatchObject({ format: "png", width: 400, height: 400, megapixels: 0.16, received_as: "raw" });
	});

	it("reads JSON base64 and data: URLs", async () => {
		const plain = await expectOk(
			await post("/api/probe", JSON.stringify({ image: toBase64(webp) }), { "content-type": "application/json" }),
		);
		expect(plain).toMatchObject({ format: "webp", width: 454, height: 242, received_as: "json" });
		const dataUrl = `data:image/webp;base64,${toBase64(webp)}`;
		const viaUrl = await expectOk(
			await post("/api/probe", JSON.stringify({ image: dataUrl }), { "content-type": "application/json" }),
		);
		expect(viaUrl.md5).toBe(await md5(webp));
	});

	it("sniffs the format whatever the declared content type says", async () => {
		const data = await expectOk(await postImage("/api/probe", png, "image/jpeg"));
		expect(data.format).toBe("png");
	});

	it("reports EXIF orientation and the display size it implies", async () => {
		for (const [orientation, little] of [
			[6, true],
			[8, false],
			[3, true],
		] as const) {
			const data = await expectOk(await postImage("/api/probe", withExifOrientation(jpeg, orientation, little)));
			const swapped = orientation >= 5;
			expect(data).toMatchObject({
				orientation,
				width: swapped ? 242 : 454,
				height: swapped ? 454 : 242,
				stored_width: 454,
			});
		}
	});

	it("echoes a valid X-Request-Id and generates one otherwise", async () => {
		const mine = await SELF.fetch(`${BASE}/health`, { headers: { "x-request-id": "trace-42" } });
		expect(mine.headers.get("x-request-id")).toBe("trace-42");
		const hostile = await SELF.fetch(`${BASE}/health`, { headers: { "x-request-id": "<script>" } });
		expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
	});
});

describe("POST /api/probe: complete", () => {
	const cutToAThird = (b: Uint8Array) => b.slice(0, Math.floor(b.length / 3));

	it("says a whole JPEG, PNG and WebP are complete, and the same cut to a third are not", async () => {
		for (const [format, bytes] of [
			["jpeg", jpeg],
			["png", png],
			["webp", webp],
		] as const) {
			const whole = await expectOk(await postImage("/api/probe", bytes));
			expect({ format: whole.format, complete: whole.complete }).toEqual({ format, complete: true });
			const cut = await expectOk(await postImage("/api/probe", cutToAThird(bytes)));
			expect({ format: cut.format, complete: cut.complete }).toEqual({ format, complete: false });
		}
	});

	it("reads the framing, not a byte pattern", async () => {
		const probe = async (b: Uint8Array) => (await expectOk(await postImage("/api/probe", b))).complete;
		// A JPEG cut just before its EOI, and one with padding after it.
		expect(await probe(jpeg.slice(0, jpeg.length - 2))).toBe(false);
		const padded = new Uint8Array(jpeg.length + 100);
		padded.set(jpeg);
		expect(await probe(padded)).toBe(true);
		// A PNG cut inside its IEND chunk's CRC, and one whose IEND type is in the middle of a chunk.
		expect(await probe(png.slice(0, png.length - 1))).toBe(false);
		const iendInside = png.slice(0, png.length - 12);
		const fake = new TextEncoder().encode("IEND");
		iendInside.set(fake, iendInside.length - 8);
		expect(await probe(iendInside)).toBe(false);
		// A WebP one byte short of its RIFF size.
		expect(await probe(webp.slice(0, webp.length - 1))).toBe(false);
	});
});

describe("POST /api/probe: refusals", () => {
	it("refuses an empty body with 400", async () => {
		await expectError(await postImage("/api/probe", new Uint8Array(0)), 400, "empty_body");
	});

	it("refuses bytes that are not an image with 415 and lists the formats", async () => {
		const body = await expectError(
			await postImage("/api/probe", new TextEncoder().encode("GIF89a not really")),
			415,
			"unsupported_format",
		);
		expect(body.error?.message).toMatch(/JPEG, PNG, WEBP/);
		expect(body.error?.message).toMatch(/GIF/);
	});

	it("refuses a header that claims 100000x100000 with 413 before decoding", async () => {
		const body = await expectError(
			await postImage("/api/probe", pngHeaderClaiming(100000, 100000)),
			413,
			"image_too_large",
		);
		expect(body.error?.message).toContain("100000x100000");
	});

	it("refuses a JPEG cut off before its frame header with 422", async () => {
		await expectError(await postImage("/api/probe", jpeg.slice(0, 100)), 422, "corrupt_image");
	});

	it("refuses an oversize body with 413 while reading it", async () => {
		const big = new Uint8Array(31 * 1024 * 1024);
		big.set(jpeg);
		await expectError(await postImage("/api/probe", big), 413, "body_too_large");
	});

	it("refuses bad base64 and a JSON body without `image` with 400", async () => {
		const json = { "content-type": "application/json" };
		await expectError(
			await post("/api/probe", JSON.stringify({ image: "!!not base64!!" }), json),
			400,
			"invalid_base64",
		);
		await expectError(await post("/api/probe", JSON.stringify({ picture: "abc" }), json), 400, "missing_field");
		await expectError(await post("/api/probe", "{not json", json), 400, "invalid_json");
	});

	it("refuses multipart without a `file` part, or with two", async () => {
		const none = new FormData();
		none.append("image", "hello");
		await expectError(await post("/api/probe", none), 400, "missing_file");
		const two = new FormData();
		two.append("file", new Blob([jpeg]), "a.jpg");
		two.append("file", new Blob([png]), "b.png");
		await expectError(await post("/api/probe", two), 400, "multiple_files");
	});

	it("keeps serving after every refusal", async () => {
		await postImage("/api/probe", new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]));
		const data = await expectOk(await postImage("/api/probe", jpeg));
		expect(data.width).toBe(454);
	});

	it("answers unknown routes with a JSON 404", async () => {
		await expectError(await SELF.fetch(`${BASE}/api/nope`), 404, "not_found");
	});
});
