import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Env } from "../src/lib/config";
import pngFile from "./fixtures/tools.input.png";
import { BASE, type Envelope, post, postImage } from "./helpers/api";
import { toBase64 } from "./helpers/images";

/**
 * What a hostile client can learn from us. Extends security.test.ts (API key,
 * CORS, direct model paths) with echoes and leaks: error messages must never
 * repeat what the request sent (markup, paths) nor reveal stacks, source
 * paths or secrets; model bytes come out of no route.
 */

const png = new Uint8Array(pngFile);
const SCRIPT = "<script>alert(1)</script>";
const PASSWD = "/etc/passwd";
const LEAKS = [/<script/i, /etc\/passwd/, /\bat .*\.(ts|js):\d+/, /node_modules|\/work\/|src\/|\.onnx/, /stack/i];

/** Asserts a JSON error envelope that holds nothing the request sent and nothing internal. */
async function expectClean(res: Response, status: number): Promise<Envelope> {
	const text = await res.text();
	expect(res.headers.get("content-type")).toContain("application/json");
	const body = JSON.parse(text) as Envelope;
	expect([res.status, body.success]).toEqual([status, false]);
	for (const leak of LEAKS) expect(text, `${leak} in ${text}`).not.toMatch(leak);
	expect(Object.keys(body.error ?? {}).sort()).toEqual(
		Object.keys(body.error ?? {})
			.filter((k) => ["code", "message", "details"].includes(k))
			.sort(),
	);
	return body;
}

const enc = encodeURIComponent;

describe("error messages never echo the request", () => {
	it("in unknown routes, filters and models", async () => {
		await expectClean(await SELF.fetch(`${BASE}/${enc(SCRIPT)}`), 404);
		await expectClean(await SELF.fetch(`${BASE}/api/..${PASSWD}`), 404);
		await expectClean(await postImage(`/api/style/${enc(SCRIPT)}`, png), 404);
		await expectClean(await postImage(`/api/style/..%2F..${enc(PASSWD)}`, png), 404);
		await expectClean(await postImage(`/api/styles?names=oil,${enc(SCRIPT)}`, png), 404);
		await expectClean(await SELF.fetch(`${BASE}/api/models/${enc(SCRIPT)}/load`, { method: "POST" }), 404);
		await expectClean(await SELF.fetch(`${BASE}/api/results/${enc(PASSWD)}`), 404);
	});

	it("in parameters, filenames and fields", async () => {
		for (const value of [SCRIPT, PASSWD]) {
			await expectClean(await postImage(`/api/style/oil?size=${enc(value)}`, png), 422);
			await expectClean(await postImage(`/api/style/oil?max_side=${enc(value)}`, png), 422);
			await expectClean(await postImage(`/api/style/oil?format=${enc(value)}`, png), 422);
			await expectClean(await postImage(`/api/style/oil?quality=${enc(value)}`, png), 422);
			const form = new FormData();
			form.append("file", new Blob([new TextEncoder().encode(value)]), value);
			await expectClean(await post("/api/probe", form), 415);
			const json = JSON.stringify({ image: toBase64(png), sigma_s: value });
			await expectClean(await post("/api/style/sketch", json, { "content-type": "application/json" }), 422);
		}
	});

	it("in the bytes of uploads that are not images or not valid base64", async () => {
		await expectClean(await postImage("/api/probe", new TextEncoder().encode(`${SCRIPT} ${PASSWD}`)), 415);
		const json = JSON.stringify({ image: `data:text/html;base64,${SCRIPT}` });
		await expectClean(await post("/api/probe", json, { "content-type": "application/json" }), 400);
		await expectClean(await post("/api/probe", `{"image": "${PASSWD}`, { "content-type": "application/json" }), 400);
	});

	it("for paths with broken percent-encoding", async () => {
		const res = await SELF.fetch(`${BASE}/api/style/%E0%A4%A`, { method: "POST", body: png });
		expect(res.status).toBeLessThan(500);
		await res.text();
	});
});

describe("internal state is never served", () => {
	it("status and model listings carry no secrets, file paths or model bytes", async () => {
		const app = createApp();
		const keyed: Env = { ...env, API_KEY: "k3y-never-shown" };
		const auth = { headers: { authorization: "Bearer k3y-never-shown" } };
		for (const path of ["/api/status", "/api/models", "/health", "/api/filters"]) {
			const res = await app.request(path, auth, keyed);
			const text = await res.text();
			expect([path, res.status]).toEqual([path, 200]);
			expect(text).not.toContain("k3y-never-shown");
			expect(text).not.toMatch(/\/work\/|node_modules|models\.internal|https?:\/\/assets/);
			expect(res.headers.get("content-type")).toContain("application/json");
		}
	});

	it("no model route answers with a model file, whatever the method or spelling", async () => {
		const attempts: [string, string][] = [
			["GET", "/api/models/det"],
			["GET", "/api/models/det/file"],
			["GET", "/api/models/ch_PP-OCRv4_det_infer.onnx"],
			["GET", "/api/results/..%2F..%2Fmodels%2Fmanifest.json"],
			["GET", "/models/ch_PP-OCRv4_det_infer.onnx"],
			["POST", "/api/models/..%2Fmanifest.json/load"],
		];
		for (const [method, path] of attempts) {
			const res = await SELF.fetch(`${BASE}${path}`, { method });
			const bytes = new Uint8Array(await res.arrayBuffer());
			expect([path, res.headers.get("content-type")]).toEqual([path, "application/json"]);
			// A model file is megabytes of protobuf; no answer here comes near.
			expect(bytes.length).toBeLessThan(4096);
			expect(res.status).toBeGreaterThanOrEqual(400);
		}
	});
});
