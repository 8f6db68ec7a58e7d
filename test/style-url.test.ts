import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { probeImage } from "../src/codecs";
import type { Env } from "../src/lib/config";
import { BASE, expectError } from "./helpers/api";
import { COLOR, makePng } from "./helpers/png";

// test/origin/source-origin.mjs answers every outbound fetch (vitest.config.ts): no network.
const ORIGIN = "http://images.test";
const OTHER = "https://cdn.images.test";
const KEY = (env as Env).SIGNING_KEY!;
const app = createApp();
const on: Env = { ...env, SOURCE_ORIGINS: `${ORIGIN}, ${OTHER}/`, SOURCE_TIMEOUT_MS: "800" };

let photo: Uint8Array;

async function put(url: string, body: Uint8Array | string, type = "image/png"): Promise<void> {
	const u = new URL(url);
	const res = await fetch(`${u.origin}/__put${u.pathname}`, { method: "PUT", body, headers: { "content-type": type } });
	expect(res.status).toBe(204);
}

async function hmacHex(message: string, secret = KEY): Promise<string> {
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
	return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `/api/style/<name>?url=<source>&<extra>` with its signature appended, as a client builds it. */
async function signed(name: string, source: string, extra = ""): Promise<string> {
	const path = `/api/style/${name}?url=${encodeURIComponent(source)}${extra ? `&${extra}` : ""}`;
	return `${path}&sig=${await hmacHex(path)}`;
}

async function get(path: string, e: Env = on, headers: Record<string, string> = {}): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await app.request(path, { headers }, e, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

beforeAll(async () => {
	photo = await makePng({
		width: 320,
		height: 160,
		colorType: COLOR.rgb,
		samples: (x, y) => [x % 256, y % 256, (x * y) % 256],
	});
	await put(`${ORIGIN}/photo.png`, photo);
});

describe("GET /api/style/:name?url=", () => {
	it("is off until SOURCE_ORIGINS names an origin", async () => {
		const res = await SELF.fetch(`${BASE}${await signed("oil", `${ORIGIN}/photo.png`)}`);
		const body = await expectError(res, 403, "source_disabled");
		expect(body.error?.message).toContain("SOURCE_ORIGINS");
	});

	it("styles the fetched image at the requested size, with the cache headers of an upload's result", async () => {
		const res = await get(await signed("oil", `${ORIGIN}/photo.png`, "size=3&w=100&format=png"));
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("image/png");
		expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
		expect(res.headers.get("x-cache")).toBe("MISS");
		const info = probeImage(await bytesOf(res));
		expect([info.format, info.width, info.height]).toEqual(["png", 100, 50]);
	});

	it("serves a repeat from the cache by URL: no refetch, the same bytes, 304 for its ETag, EDGE after a local clear", async () => {
		const source = `${ORIGIN}/cached.png`;
		await put(source, photo);
		const path = await signed("sketch", source, "w=64&format=png");
		const first = await get(path);
		const firstBytes = await bytesOf(first);
		expect(first.headers.get("x-cache")).toBe("MISS");
		// The origin now holds something else: a hit must not have fetched it.
		await put(source, "changed", "text/plain");
		const again = await get(path);
		expect(again.headers.get("x-cache")).toBe("HIT");
		expect(await bytesOf(again)).toEqual(firstBytes);
		const etag = first.headers.get("etag")!;
		const notModified = await get(path, on, { "if-none-match": etag });
		expect(notModified.status).toBe(304);
		const ctx = createExecutionContext();
		expect((await app.request("/api/cache", { method: "DELETE" }, on, ctx)).status).toBe(200);
		await waitOnExecutionContext(ctx);
		const fromEdge = await get(path);
		expect(fromEdge.headers.get("x-cache")).toBe("EDGE");
		expect(await bytesOf(fromEdge)).toEqual(firstBytes);
		expect(fromEdge.headers.get("etag")).toBe(etag);
		// Another size is another key, so this one does fetch, and finds no image.
		await expectError(await get(await signed("sketch", source, "w=65&format=png")), 415, "unsupported_format");
	});

	it("fetches only from the listed origins, and only http(s) URLs without credentials", async () => {
		await expectError(await get(await signed("oil", "https://elsewhere.test/photo.png")), 403, "source_not_allowed");
		// Same host, another port or scheme: another origin.
		await expectError(await get(await signed("oil", "http://images.test:8080/photo.png")), 403, "source_not_allowed");
		await expectError(await get(await signed("oil", "https://images.test/photo.png")), 403, "source_not_allowed");
		for (const bad of [
			"/photo.png",
			"ftp://images.test/photo.png",
			"http://user:pw@images.test/photo.png",
			"not a url",
		]) {
			const body = await expectError(await get(await signed("oil", bad)), 422, "invalid_parameter");
			expect(body.error?.message).toContain("http or https");
		}
		const missing = await get(`/api/style/oil?w=10&sig=${await hmacHex("/api/style/oil?w=10")}`);
		await expectError(missing, 422, "invalid_parameter");
	});

	it("maps the source's failures to 4xx and 502 codes, never a 500", async () => {
		await expectError(await get(await signed("oil", `${ORIGIN}/nothing-here.png`)), 404, "source_not_found");
		await expectError(await get(await signed("oil", `${ORIGIN}/status/410`)), 404, "source_not_found");
		const failed = await expectError(await get(await signed("oil", `${ORIGIN}/status/503`)), 502, "source_failed");
		expect(failed.error?.message).toContain("503");
		await expectError(await get(await signed("oil", `${ORIGIN}/status/403`)), 502, "source_failed");
		await put(`${ORIGIN}/notes.txt`, "just words", "text/plain");
		await expectError(await get(await signed("oil", `${ORIGIN}/notes.txt`)), 415, "unsupported_format");
		await put(`${ORIGIN}/empty.png`, new Uint8Array(0));
		await expectError(await get(await signed("oil", `${ORIGIN}/empty.png`)), 415, "unsupported_format");
	});

	it("follows redirects on the same origin only, a bounded number of times", async () => {
		const same = `${ORIGIN}/redirect?to=${encodeURIComponent("/photo.png")}&status=301`;
		const followed = await get(await signed("oil", same, "w=40&format=png"));
		expect(followed.status).toBe(200);
		expect(probeImage(await bytesOf(followed)).width).toBe(40);
		await put(`${OTHER}/photo.png`, photo);
		const away = `${ORIGIN}/redirect?to=${encodeURIComponent(`${OTHER}/photo.png`)}`;
		const refused = await expectError(await get(await signed("oil", away)), 502, "source_redirect");
		expect(refused.error?.message).toContain("another origin");
		await expectError(await get(await signed("oil", `${ORIGIN}/loop`)), 502, "source_redirect");
	});

	it("applies the upload cap to the fetched body: by Content-Length first, and while reading one that declares none", async () => {
		const small: Env = { ...on, MAX_UPLOAD_BYTES: "200000" };
		await put(`${ORIGIN}/big.bin`, new Uint8Array(300_000));
		await expectError(await get(await signed("oil", `${ORIGIN}/big.bin`), small), 413, "source_too_large");
		// An endless body with no length: refused once the count passes the cap, having pulled little past it.
		const res = await get(await signed("oil", `${ORIGIN}/endless/cap-test`), small);
		await expectError(res, 413, "source_too_large");
		const pulled = (await (await fetch(`${ORIGIN}/__pulled/cap-test`)).json()) as { bytes: number };
		expect(pulled.bytes).toBeGreaterThan(200_000);
		// The origin hands out 64 KiB a pull: the read stopped within a few chunks of the cap.
		expect(pulled.bytes).toBeLessThanOrEqual(200_000 + 4 * 65536);
	});

	it("gives up on a source that stalls, before headers or inside the body, with a 502 source_timeout", async () => {
		const stalled = await expectError(await get(await signed("oil", `${ORIGIN}/stall`)), 502, "source_timeout");
		expect(stalled.error?.message).toContain("0.8 s");
		await expectError(await get(await signed("oil", `${ORIGIN}/silent`)), 502, "source_timeout");
	});
});

describe("output format by URL", () => {
	it("format=auto picks AVIF only when the options bound the output within its cap; format=avif is checked after the fetch", async () => {
		const accept = { accept: "image/avif,image/webp" };
		const bounded = await get(await signed("sketch", `${ORIGIN}/photo.png`, "w=64&h=64&format=auto"), on, accept);
		expect([bounded.status, bounded.headers.get("content-type"), bounded.headers.get("vary")]).toEqual([
			200,
			"image/avif",
			"Accept",
		]);
		await bounded.arrayBuffer();
		// Only w: the height is unknown until the source is read, so auto does not risk AVIF.
		const open = await get(await signed("sketch", `${ORIGIN}/photo.png`, "w=64&format=auto"), on, accept);
		expect(open.headers.get("content-type")).toBe("image/webp");
		await open.arrayBuffer();
		const wide = await makePng({ width: 2100, height: 12, colorType: COLOR.rgb, samples: (x) => [x % 256, 0, 0] });
		await put(`${ORIGIN}/wide.png`, wide);
		const small = await get(await signed("sketch", `${ORIGIN}/wide.png`, "w=1000&format=avif"));
		expect([small.status, small.headers.get("content-type")]).toEqual([200, "image/avif"]);
		await small.arrayBuffer();
		const refused = await get(await signed("sketch", `${ORIGIN}/wide.png`, "w=4000&format=avif"));
		const body = await expectError(refused, 422, "avif_too_large");
		expect(body.error?.message).toContain("2100x12");
	});
});

describe("signed URLs", () => {
	const source = `${ORIGIN}/photo.png`;

	it("refuse a missing, malformed or wrong signature with 403 bad_signature", async () => {
		const path = `/api/style/oil?url=${encodeURIComponent(source)}&w=30`;
		await expectError(await get(path), 403, "bad_signature");
		await expectError(await get(`${path}&sig=`), 403, "bad_signature");
		await expectError(await get(`${path}&sig=xyz`), 403, "bad_signature");
		await expectError(await get(`${path}&sig=${"0".repeat(64)}`), 403, "bad_signature");
		await expectError(await get(`${path}&sig=${await hmacHex(path, "another-key")}`), 403, "bad_signature");
		const good = await hmacHex(path);
		await expectError(await get(`${path}&sig=${good}&sig=${good}`), 403, "bad_signature");
	});

	it("refuse a signature replayed with a changed, added or removed parameter", async () => {
		const path = `/api/style/oil?url=${encodeURIComponent(source)}&w=30`;
		const sig = await hmacHex(path);
		expect((await get(`${path}&sig=${sig}`)).status).toBe(200);
		await expectError(
			await get(`/api/style/oil?url=${encodeURIComponent(source)}&w=31&sig=${sig}`),
			403,
			"bad_signature",
		);
		await expectError(await get(`${path}&size=9&sig=${sig}`), 403, "bad_signature");
		await expectError(await get(`/api/style/oil?url=${encodeURIComponent(source)}&sig=${sig}`), 403, "bad_signature");
		await expectError(
			await get(`/api/style/sketch?url=${encodeURIComponent(source)}&w=30&sig=${sig}`),
			403,
			"bad_signature",
		);
	});

	it("sign the path and query as sent with sig taken out, wherever sig stands", async () => {
		const path = `/api/style/oil?url=${encodeURIComponent(source)}&w=30`;
		const sig = await hmacHex(path);
		const first = `/api/style/oil?sig=${sig}&url=${encodeURIComponent(source)}&w=30`;
		expect((await get(first)).status).toBe(200);
	});

	it("are not needed without SIGNING_KEY, and stand in for the API key when it is set", async () => {
		const open: Env = { ...on, SIGNING_KEY: "" };
		const res = await get(`/api/style/oil?url=${encodeURIComponent(source)}&w=20`, open);
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		const keyed: Env = { ...on, API_KEY: "bearer-key" };
		const signedOnly = await get(await signed("oil", source, "w=20"), keyed);
		expect(signedOnly.status).toBe(200);
		await signedOnly.arrayBuffer();
		// Without signing, the API key guards GETs as every other route.
		const keyedOpen: Env = { ...on, API_KEY: "bearer-key", SIGNING_KEY: "" };
		await expectError(
			await get(`/api/style/oil?url=${encodeURIComponent(source)}&w=20`, keyedOpen),
			401,
			"unauthorized",
		);
		// POST keeps needing the API key even with signing on.
		const ctx = createExecutionContext();
		const post = await app.request("/api/style/oil", { method: "POST", body: photo }, keyed, ctx);
		await waitOnExecutionContext(ctx);
		await expectError(post, 401, "unauthorized");
	});
});
