import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { encodeHeapBytes, probeImage } from "../src/codecs";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk } from "./helpers/api";
import { COLOR, makePng } from "./helpers/png";

const png = new Uint8Array(pngFile);

function style(path: string, init: { body?: Uint8Array; headers?: Record<string, string> } = {}) {
	return SELF.fetch(`${BASE}${path}`, {
		method: "POST",
		body: init.body ?? png,
		headers: { "content-type": "image/png", ...init.headers },
	});
}

async function bytesOf(res: Response): Promise<Uint8Array> {
	return new Uint8Array(await res.arrayBuffer());
}

function dataUrlBytes(url: string): Uint8Array {
	const b64 = url.slice(url.indexOf(",") + 1);
	return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

describe("POST /api/style/:name", () => {
	it("answers with the styled image, negotiated from Accept, with cache headers and timings", async () => {
		const res = await style("/api/style/sketch?max_side=200", { headers: { accept: "image/webp,image/*" } });
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("image/webp");
		expect(res.headers.get("vary")).toBe("Accept");
		expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
		expect(res.headers.get("cache-control")).toContain("immutable");
		expect(res.headers.get("server-timing")).toMatch(/decode;dur=.*filter;dur=.*encode;dur=/);
		const info = probeImage(await bytesOf(res));
		expect([info.format, info.width, info.height]).toEqual(["webp", 200, 200]);
	});

	it("falls back to JPEG when Accept names no image type, and honours an Accept that names PNG", async () => {
		for (const accept of [undefined, "*/*", "image/*", "text/html,*/*;q=0.8"]) {
			const headers: Record<string, string> = accept === undefined ? {} : { accept };
			const res = await style("/api/style/sketch?max_side=64", { headers });
			expect(res.status).toBe(200);
			expect(res.headers.get("content-type")).toBe("image/jpeg");
			expect(probeImage(await bytesOf(res)).format).toBe("jpeg");
		}
		const asPng = await style("/api/style/sketch?max_side=64", { headers: { accept: "image/png" } });
		expect(asPng.headers.get("content-type")).toBe("image/png");
		await asPng.arrayBuffer();
	});

	it("serves a repeat from the cache with identical bytes, and 304 for a matching ETag", async () => {
		const first = await style("/api/style/oil?size=3&max_side=160&format=png");
		const firstBytes = await bytesOf(first);
		expect(first.headers.get("x-cache")).toBe("MISS");
		const again = await style("/api/style/oil?size=3&max_side=160&format=png");
		expect(again.headers.get("x-cache")).toBe("HIT");
		expect(await bytesOf(again)).toEqual(firstBytes);
		const etag = first.headers.get("etag")!;
		const notModified = await style("/api/style/oil?size=3&max_side=160&format=png", {
			headers: { "if-none-match": etag },
		});
		expect(notModified.status).toBe(304);
		expect((await bytesOf(notModified)).length).toBe(0);
		// The key is in the ETag: the same result is a plain GET away.
		const byKey = await SELF.fetch(`${BASE}/api/results/${etag.slice(1, -1)}`);
		expect(byKey.headers.get("content-type")).toBe("image/png");
		expect(await bytesOf(byKey)).toEqual(firstBytes);
		const changed = await style("/api/style/oil?size=4&max_side=160&format=png");
		expect(changed.headers.get("etag")).not.toBe(etag);
		expect(changed.headers.get("x-cache")).toBe("MISS");
	});

	it("runs the kernel once for two identical requests in flight together", async () => {
		type Stats = { misses: number; shared: number; hits: number };
		const before = (await expectOk(await SELF.fetch(`${BASE}/api/status`))).cache as Stats;
		const [a, b] = await Promise.all([
			style("/api/style/watercolor?max_side=150&format=png"),
			style("/api/style/watercolor?max_side=150&format=png"),
		]);
		expect(await bytesOf(a)).toEqual(await bytesOf(b));
		const after = (await expectOk(await SELF.fetch(`${BASE}/api/status`))).cache as Stats;
		// One computation; the other request either joined it in flight or found its result.
		expect(after.misses - before.misses).toBe(1);
		expect(after.shared - before.shared + (after.hits - before.hits)).toBe(1);
		expect([a.headers.get("x-cache"), b.headers.get("x-cache")].sort()).toEqual(["HIT", "MISS"]);
	});

	it("refuses unknown filters, out-of-range parameters and bad output options", async () => {
		await expectError(await style("/api/style/posterize"), 404, "unknown_filter");
		await expectError(await style("/api/style/sketch?sigma_s=500"), 422, "invalid_parameter");
		await expectError(await style("/api/style/oil?size=0"), 422, "invalid_parameter");
		await expectError(await style("/api/style/oil?max_side=0"), 422, "invalid_parameter");
		await expectError(await style("/api/style/oil?max_side=9000"), 422, "invalid_parameter");
		await expectError(await style("/api/style/oil?format=gif"), 422, "invalid_parameter");
		await expectError(
			await style("/api/style/oil", { body: new TextEncoder().encode("hello") }),
			415,
			"unsupported_format",
		);
	});

	it("falls back to the shared edge tier when this isolate's cache is cleared", async () => {
		const path = "/api/style/detail_enhance?max_side=96&format=png";
		const first = await style(path);
		const firstBytes = await bytesOf(first);
		expect(first.headers.get("x-cache")).toBe("MISS");
		await SELF.fetch(`${BASE}/api/cache`, { method: "DELETE" });
		// The edge write runs after the response (waitUntil); give it a moment to land.
		let again = await style(path);
		for (let i = 0; i < 20 && again.headers.get("x-cache") !== "EDGE"; i++) {
			await again.arrayBuffer();
			await SELF.fetch(`${BASE}/api/cache`, { method: "DELETE" });
			await new Promise((r) => setTimeout(r, 50));
			again = await style(path);
		}
		expect(again.headers.get("x-cache")).toBe("EDGE");
		expect(await bytesOf(again)).toEqual(firstBytes);
	});

	it("clears the isolate's cache on DELETE /api/cache", async () => {
		await style("/api/style/sketch?max_side=64&format=png");
		const cleared = await expectOk(await SELF.fetch(`${BASE}/api/cache`, { method: "DELETE" }));
		expect(cleared.cleared_entries as number).toBeGreaterThan(0);
		expect((cleared.stats as { entries: number }).entries).toBe(0);
	});
});

describe("memory reservation", () => {
	it("reserves the encoder's heap: a 3000x3000 image as WebP is refused before decoding, as JPEG admitted", async () => {
		const body = await makePng({
			width: 3000,
			height: 3000,
			colorType: COLOR.gray,
			samples: (x, y) => [(x ^ y) & 255],
		});
		const res = await style("/api/style/oil?max_side=3000&format=webp", { body });
		const { error } = await expectError(res, 413, "over_memory_budget");
		// libwebp takes a whole frame: the sink gathers it (4 bytes a pixel) beside libwebp's 11.6.
		const pixels = 3000 * 3000;
		const details = (error as { details?: { estimated_bytes?: number } }).details;
		expect(details?.estimated_bytes).toBeGreaterThanOrEqual(4 * pixels + encodeHeapBytes("webp", 3000, 3000));
		// Our JPEG encoder holds 16-row strips and its symbol buffer of at most 4 MiB (MozJPEG's
		// took 20.8 bytes a pixel), and the strip pipeline never holds the frame: the same image passes.
		expect(encodeHeapBytes("jpeg", 3000, 3000)).toBeLessThan(5 * 1024 * 1024);
		const jpeg = await style("/api/style/oil?max_side=3000&format=jpeg", { body });
		expect(jpeg.status).toBe(200);
		expect(jpeg.headers.get("content-type")).toBe("image/jpeg");
		await jpeg.arrayBuffer();
	});
});

describe("POST /api/styles", () => {
	it("answers the four classic effects and the original as data URLs of the preview size", async () => {
		const data = await expectOk(await style("/api/styles?max_side=120"));
		expect([data.width, data.height]).toEqual([120, 120]);
		const results = data.results as Record<string, { image: string; cache: string }>;
		expect(Object.keys(results).sort()).toEqual(["color_sketch", "oil", "sketch", "watercolor"]);
		for (const r of [...Object.values(results).map((v) => v.image), data.original as string]) {
			expect(r).toMatch(/^data:image\/jpeg;base64,/);
			const info = probeImage(dataUrlBytes(r));
			expect([info.width, info.height]).toEqual([120, 120]);
		}
	});

	it("takes scoped options and a list of names", async () => {
		const data = await expectOk(await style("/api/styles?names=oil,sketch&oil.size=2&max_side=90&format=png"));
		expect(Object.keys(data.results as object).sort()).toEqual(["oil", "sketch"]);
		const one = await expectError(await style("/api/styles?names=oil,nope"), 404, "unknown_filter");
		const other = await expectError(await style("/api/style/nope"), 404, "unknown_filter");
		expect(one.error?.message).toBe(other.error?.message);
		await expectError(await style("/api/styles?names=oil&oil.size=99"), 422, "invalid_parameter");
	});
});

describe("GET /api/filters", () => {
	it("lists every filter with OpenCV's parameter names and ranges", async () => {
		const data = await expectOk(await SELF.fetch(`${BASE}/api/filters`));
		const filters = data.filters as { name: string; params: { name: string; default: number }[] }[];
		expect(filters.map((f) => f.name)).toEqual([
			"sketch",
			"color_sketch",
			"watercolor",
			"oil",
			"edge_preserving",
			"detail_enhance",
		]);
		expect(filters.find((f) => f.name === "oil")?.params.map((p) => [p.name, p.default])).toEqual([
			["size", 7],
			["dynRatio", 1],
		]);
	});
});
