import { describe, expect, it } from "vitest";
import jpegFile from "./fixtures/dev_en_label_01.jpg";
import webpFile from "./fixtures/dev_en_label_01.webp";
import pngFile from "./fixtures/tools.input.png";
import { type Envelope, expectError, expectOk, post, postImage } from "./helpers/api";
import { cutPoints, expectSettled, flipBytes, jpegHeaderClaiming, webpHeadersClaiming } from "./helpers/hostile";
import { pngHeaderClaiming } from "./helpers/images";
import { COLOR, makePng } from "./helpers/png";

const FIXTURES = {
	jpeg: new Uint8Array(jpegFile),
	png: new Uint8Array(pngFile),
	webp: new Uint8Array(webpFile),
};
// Bytes a sniffer needs before it can name the format; shorter cuts are "not an image" (415).
const MAGIC = { jpeg: 3, png: 8, webp: 12 };
const STYLE = "/api/style/sketch?max_side=64&format=png";
/** Every refusal an image route may give a damaged upload, by status. */
const DAMAGE_CODES: Record<number, string[]> = {
	413: ["image_too_large", "over_memory_budget"],
	415: ["unsupported_format"],
	422: ["corrupt_image", "truncated_image", "undecodable_image"],
};

/** Posts and checks the answer is a success image or one of the named refusals; returns the status. */
async function styleStatus(bytes: Uint8Array): Promise<number> {
	const res = await postImage(STYLE, bytes);
	if (res.status === 200) {
		expect(res.headers.get("content-type")).toBe("image/png");
		expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(8);
		return 200;
	}
	const body = (await res.json()) as Envelope;
	expect(DAMAGE_CODES[res.status] ?? [], `status ${res.status} ${JSON.stringify(body.error)}`).toContain(
		body.error?.code,
	);
	return res.status;
}

/** Offset just past the last IDAT chunk: a PNG cut after it still holds every pixel. */
function pngPixelsEnd(b: Uint8Array): number {
	const v = new DataView(b.buffer, b.byteOffset);
	let end = 0;
	for (let o = 8; o + 8 <= b.length; o += 12 + v.getUint32(o)) {
		if (String.fromCharCode(...b.subarray(o + 4, o + 8)) === "IDAT") end = o + 12 + v.getUint32(o);
	}
	return end;
}

describe("truncated files", () => {
	for (const [format, bytes] of Object.entries(FIXTURES) as [keyof typeof FIXTURES, Uint8Array][]) {
		it(`refuses ${format} cut at every point with 415 (too short to name) or 422`, async () => {
			// A file cut after its last pixel data may still be read whole: a JPEG missing only its EOI
			// marker, a PNG cut in its last IDAT's zlib checksum (the rows are all there) or after it.
			// A WebP needs every byte of its bitstream.
			const whole = { png: pngPixelsEnd(bytes) - 12, jpeg: bytes.length - 2, webp: bytes.length }[format];
			const cuts = cutPoints(bytes.length, 24);
			cuts.push(whole - 4, whole - 1, whole, whole + 1);
			for (const cut of cuts) {
				const status = await styleStatus(bytes.slice(0, cut));
				if (cut >= whole) expect([200, 422]).toContain(status);
				else expect([cut, status]).toEqual([cut, cut < MAGIC[format] ? 415 : 422]);
			}
			await expectSettled(FIXTURES.png);
		});
	}
});

describe("flipped bytes", () => {
	for (const [format, bytes] of Object.entries(FIXTURES) as [keyof typeof FIXTURES, Uint8Array][]) {
		it(`answers ${format} with random flips with an image or a named 4xx, never a 5xx`, async () => {
			const seen = new Set<number>();
			for (let seed = 1; seed <= 16; seed++) {
				// Half the copies are damaged in the header region, half anywhere.
				seen.add(await styleStatus(flipBytes(bytes, 1 + (seed % 4), seed, seed % 2 ? 0 : 2)));
			}
			for (let seed = 100; seed < 108; seed++) seen.add(await styleStatus(flipBytes(bytes, 8, seed, 0)));
			expect([...seen].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
			await expectSettled(FIXTURES.png);
		});
	}
});

describe("headers that declare huge dimensions", () => {
	it("refuses them from the header with 413, on probe and on decode routes, for every format", async () => {
		const claims: [string, Uint8Array][] = [
			["jpeg 65535x65535", jpegHeaderClaiming(65535, 65535)],
			["jpeg 40000x1", jpegHeaderClaiming(40000, 1)],
			["png 2^31-1 square", pngHeaderClaiming(0x7fffffff, 0x7fffffff)],
			["png 4294967295x1", pngHeaderClaiming(0xffffffff, 1)],
			["png 11000x11000 (over the pixel cap, under the side cap)", pngHeaderClaiming(11000, 11000)],
			...Object.entries(webpHeadersClaiming(16383, 16383)).map(
				([k, v]) => [`webp ${k} 16383^2`, v] as [string, Uint8Array],
			),
			["webp vp8x 16777216^2", webpHeadersClaiming(1 << 24, 1 << 24).vp8x],
		];
		for (const [name, bytes] of claims) {
			for (const path of ["/api/probe", STYLE, "/api/styles?names=oil&max_side=32"]) {
				const res = await postImage(path, bytes);
				const body = (await res.json()) as Envelope;
				expect([name, path, res.status, body.error?.code]).toEqual([name, path, 413, "image_too_large"]);
				expect(body.error?.message).toMatch(/limits are 30000 px a side and 100 MP/);
			}
		}
		await expectSettled(FIXTURES.png);
	});

	it("refuses formats decoded whole past what the budget holds, saying why, though they are under the pixel cap", async () => {
		// 9000 x 9000 is 81 MP: under MAX_PIXELS, but libwebp decodes the whole frame (about 9-12 bytes a pixel).
		for (const [kind, bytes] of Object.entries(webpHeadersClaiming(9000, 9000))) {
			if (kind === "vp8" || kind === "vp8l") continue; // their 14-bit sizes cannot say 9000 x 9000 apart from VP8X
			const body = await expectError(await postImage(STYLE, bytes), 413, "image_too_large");
			expect(body.error?.message).toMatch(/WebP images are decoded whole.*9000x9000.*allows about \d+(\.\d)? MP/);
		}
		// An Adam7 PNG gathers its passes into a full frame; a 5000 x 5000 one is refused before any read.
		const interlaced = pngHeaderClaiming(5000, 5000);
		interlaced[28] = 1;
		for (const path of [STYLE, "/api/ocr"]) {
			const body = await expectError(await postImage(path, interlaced), 413, "image_too_large");
			expect(body.error?.message).toMatch(/interlaced \(Adam7\) PNGs are read whole/);
		}
		// The same size, not interlaced, is planned as a streamed decode: it gets as far as its (missing) data.
		await expectError(await postImage(STYLE, pngHeaderClaiming(5000, 5000)), 422, "corrupt_image");
		await expectSettled(FIXTURES.png);
	});

	it("refuses a 30001x1 strip (over the side cap) but styles a 16000x1 one", async () => {
		const strip = (width: number) =>
			makePng({ width, height: 1, colorType: COLOR.rgb, samples: (x) => [x % 256, 255 - (x % 256), 128] });
		const wide = await strip(30001);
		const body = await expectError(await postImage(STYLE, wide), 413, "image_too_large");
		expect(body.error?.message).toContain("30001x1");
		const tall = jpegHeaderClaiming(1, 30001);
		await expectError(await postImage("/api/probe", tall), 413, "image_too_large");

		const ok = await strip(16000);
		expect(await expectOk(await postImage("/api/probe", ok))).toMatchObject({ width: 16000, height: 1 });
		const res = await postImage("/api/styles?names=sketch&max_side=64", ok);
		const data = await expectOk(res);
		expect(data).toMatchObject({ width: 64, height: 1 });
		await expectSettled(FIXTURES.png);
	});
});

describe("degenerate sizes", () => {
	it("refuses a zero-byte upload in every input form with 400 empty_body", async () => {
		await expectError(await postImage(STYLE, new Uint8Array(0)), 400, "empty_body");
		const form = new FormData();
		form.append("file", new Blob([]), "empty.png");
		await expectError(await post(STYLE, form), 400, "empty_body");
		await expectError(
			await post(STYLE, JSON.stringify({ image: "" }), { "content-type": "application/json" }),
			400,
			"missing_field",
		);
	});

	it("refuses headers that declare a zero side with 422", async () => {
		for (const bytes of [jpegHeaderClaiming(0, 10), jpegHeaderClaiming(10, 0), pngHeaderClaiming(0, 5)]) {
			await expectError(await postImage("/api/probe", bytes), 422, "corrupt_image");
		}
	});

	it("styles a 1x1 image of every format and returns a 1x1 result", async () => {
		const one = await makePng({ width: 1, height: 1, colorType: COLOR.rgba, samples: () => [200, 100, 50, 255] });
		for (const format of ["png", "jpeg", "webp"]) {
			const res = await postImage(`/api/style/oil?format=${format}`, one);
			expect(res.status).toBe(200);
			const back = await postImage("/api/probe", new Uint8Array(await res.arrayBuffer()));
			expect(await expectOk(back)).toMatchObject({ format, width: 1, height: 1 });
		}
		await expectSettled(FIXTURES.png);
	});
});
