import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AVIF_MAX_SIDE, probeImage } from "../src/codecs";
import pngFile from "./fixtures/tools.input.png";
import { BASE, expectError, expectOk } from "./helpers/api";
import { avifDecodeReference, readAvifBoxes } from "./helpers/avif";
import { COLOR, makePng } from "./helpers/png";

const png = new Uint8Array(pngFile);

function style(path: string, headers: Record<string, string> = {}, body: Uint8Array = png) {
	return SELF.fetch(`${BASE}${path}`, { method: "POST", body, headers: { "content-type": "image/png", ...headers } });
}

async function bytesOf(res: Response): Promise<Uint8Array> {
	return new Uint8Array(await res.arrayBuffer());
}

/** The format the bytes really are, read from them (AVIF by its ftyp brand). */
function formatOf(bytes: Uint8Array): string {
	if (readAvifBoxes(bytes).brands[0] === "avif") return "avif";
	return probeImage(bytes).format;
}

const CHROME = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

describe("POST /api/style/:name?format=auto", () => {
	it("answers AVIF, WebP or JPEG by Accept, each with Vary: Accept and bytes of that format", async () => {
		const matrix: [string | undefined, string][] = [
			[CHROME, "avif"],
			["image/webp,*/*", "webp"],
			["image/jpeg", "jpeg"],
			[undefined, "jpeg"],
		];
		for (const [accept, format] of matrix) {
			const res = await style("/api/style/sketch?format=auto&max_side=96", accept ? { accept } : {});
			expect(res.status).toBe(200);
			expect({ accept, type: res.headers.get("content-type") }).toEqual({ accept, type: `image/${format}` });
			expect(res.headers.get("vary")).toBe("Accept");
			const bytes = await bytesOf(res);
			expect(formatOf(bytes)).toBe(format);
		}
	});

	it("sends a decodable AVIF of the preview's size", async () => {
		const res = await style("/api/style/oil?size=3&format=auto&max_side=120", { accept: CHROME });
		const bytes = await bytesOf(res);
		expect(readAvifBoxes(bytes).ispe).toEqual({ width: 120, height: 120 });
		const back = await avifDecodeReference(bytes);
		expect([back.width, back.height]).toEqual([120, 120]);
	});

	it("keys the cache by the format and quality chosen", async () => {
		const path = "/api/style/watercolor?format=auto&max_side=80";
		const avif = await style(path, { accept: CHROME });
		const webp = await style(path, { accept: "image/webp" });
		const [avifBytes, webpBytes] = [await bytesOf(avif), await bytesOf(webp)];
		expect(avif.headers.get("etag")).not.toBe(webp.headers.get("etag"));
		expect(avif.headers.get("x-cache")).toBe("MISS");
		expect(webp.headers.get("x-cache")).toBe("MISS");
		const again = await style(path, { accept: CHROME });
		expect(again.headers.get("x-cache")).toBe("HIT");
		expect(again.headers.get("content-type")).toBe("image/avif");
		expect(await bytesOf(again)).toEqual(avifBytes);
		const byKey = await SELF.fetch(`${BASE}/api/results/${avif.headers.get("etag")!.slice(1, -1)}`);
		expect(byKey.headers.get("content-type")).toBe("image/avif");
		expect(await bytesOf(byKey)).toEqual(avifBytes);
		expect(formatOf(webpBytes)).toBe("webp");
		// Another quality is another result.
		const lower = await style(`${path}&quality=avif:30`, { accept: CHROME });
		expect(lower.headers.get("etag")).not.toBe(avif.headers.get("etag"));
		expect((await bytesOf(lower)).length).toBeLessThan(avifBytes.length);
	});

	it("falls back to WebP above AVIF's side cap, where format=avif is a 422 naming the cap", async () => {
		// A thin image: past the cap on its long side, a few thousand pixels in all.
		const width = AVIF_MAX_SIDE + 16;
		const body = await makePng({ width, height: 6, colorType: COLOR.rgb, samples: (x, y) => [x & 255, y * 40, 90] });
		const path = `/api/style/sketch?max_side=${width}`;
		const auto = await style(`${path}&format=auto`, { accept: CHROME }, body);
		expect(auto.headers.get("content-type")).toBe("image/webp");
		expect(auto.headers.get("vary")).toBe("Accept");
		expect(probeImage(await bytesOf(auto))).toMatchObject({ format: "webp", width, height: 6 });
		const explicit = await expectError(await style(`${path}&format=avif`, {}, body), 422, "avif_too_large");
		expect(explicit.error?.message).toContain(`${AVIF_MAX_SIDE} px`);
		// Within the cap the same image is AVIF.
		const within = await style(`/api/style/sketch?max_side=${AVIF_MAX_SIDE}&format=auto`, { accept: CHROME }, body);
		expect(within.headers.get("content-type")).toBe("image/avif");
		expect(readAvifBoxes(await bytesOf(within)).ispe).toEqual({ width: AVIF_MAX_SIDE, height: 6 });
	});
});

describe("format=avif and quality", () => {
	it("answers format=avif whatever Accept says, without Vary", async () => {
		const res = await style("/api/style/sketch?format=avif&max_side=64", { accept: "image/jpeg" });
		expect(res.headers.get("content-type")).toBe("image/avif");
		expect(res.headers.get("vary")).toBeNull();
		expect(formatOf(await bytesOf(res))).toBe("avif");
	});

	it("refuses a quality out of range with a 422 naming the range", async () => {
		for (const q of ["0", "101", "abc", "avif:200", "gif:50"]) {
			const { error } = await expectError(
				await style(`/api/style/sketch?format=auto&max_side=64&quality=${q}`, { accept: CHROME }),
				422,
				"invalid_parameter",
			);
			expect(error?.message).toContain("from 1 to 100");
		}
	});

	it("gives /api/styles AVIF data URLs on request", async () => {
		const data = await expectOk(await style("/api/styles?names=sketch&format=avif&max_side=72"));
		const url = (data.results as Record<string, { image: string }>).sketch!.image;
		expect(url).toMatch(/^data:image\/avif;base64,/);
		const bytes = Uint8Array.from(atob(url.slice(url.indexOf(",") + 1)), (ch) => ch.charCodeAt(0));
		expect(readAvifBoxes(bytes).ispe).toEqual({ width: 72, height: 72 });
	});
});
