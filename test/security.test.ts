import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Env } from "../src/lib/config";

const app = createApp();
const base: Env = env;
const keyed: Env = { ...base, API_KEY: "s3cret-key" };

describe("API key", () => {
	it("guards every route but /health when set", async () => {
		const denied = await app.request("/api/status", {}, keyed);
		expect(denied.status).toBe(401);
		expect(denied.headers.get("www-authenticate")).toMatch(/^Bearer/);
		const body = (await denied.json()) as { error: { code: string } };
		expect(body.error.code).toBe("unauthorized");
		expect((await app.request("/api/status", { headers: { authorization: "Bearer wrong" } }, keyed)).status).toBe(401);
		expect((await app.request("/api/status", { headers: { authorization: "Bearer s3cret-key" } }, keyed)).status).toBe(
			200,
		);
		expect((await app.request("/health", {}, keyed)).status).toBe(200);
	});

	it("answers a key of another length, another scheme or a malformed header with the same JSON 401", async () => {
		for (const authorization of [
			"Bearer s3cret-key-and-more",
			"Bearer s3cret-ke",
			"Basic czNjcmV0LWtleQ==",
			"Bearer",
			"Bearer a b",
		]) {
			const res = await app.request("/api/status", { headers: { authorization } }, keyed);
			expect([authorization, res.status]).toEqual([authorization, 401]);
			const body = (await res.json()) as { error: { code: string }; request_id: string };
			expect(body.error.code).toBe("unauthorized");
			expect(res.headers.get("x-request-id")).toBe(body.request_id);
		}
	});

	it("is off when unset", async () => {
		expect((await app.request("/api/status", {}, base)).status).toBe(200);
	});
});

describe("CORS", () => {
	it("allows only the configured origins", async () => {
		const restricted: Env = { ...base, CORS_ORIGINS: "https://app.example, https://admin.example" };
		const preflight = (origin: string) =>
			app.request(
				"/api/probe",
				{ method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } },
				restricted,
			);
		const allowed = await preflight("https://app.example");
		expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
		const other = await preflight("https://evil.example");
		expect(other.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("answers any origin by default and exposes the cache headers", async () => {
		const res = await app.request("/health", { headers: { origin: "https://x.example" } }, base);
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
		expect(res.headers.get("access-control-expose-headers")).toContain("ETag");
	});
});

describe("model files", () => {
	it("are never served through public routes, even with the assets layer in front", async () => {
		// The names come from the manifest itself, so the check asks for the files models/ really
		// holds; each is first fetched through the binding, so a 404 below means the route refused it.
		const manifestRes = await base.MODELS.fetch("https://models.internal/manifest.json");
		expect(manifestRes.status).toBe(200);
		const manifest = (await manifestRes.json()) as {
			models: { file: string; dictionary?: { file: string } }[];
		};
		const files = ["manifest.json"];
		for (const m of manifest.models) {
			files.push(m.file);
			if (m.dictionary) files.push(m.dictionary.file);
		}
		expect(files.filter((f) => f.endsWith(".onnx")).length).toBe(3);
		expect(files).toContain("ppocr_keys_v1.txt");
		for (const file of files) {
			const direct = await base.MODELS.fetch(`https://models.internal/${file}`);
			expect({ file, status: direct.status }).toEqual({ file, status: 200 });
			await direct.arrayBuffer();
			for (const path of [`/${file}`, `/models/${file}`, `/api/${file}`, `/api/models/${file}`]) {
				const res = await SELF.fetch(`http://inkstone.test${path}`);
				expect({ path, status: res.status }).toEqual({ path, status: 404 });
				expect(res.headers.get("content-type")).toContain("application/json");
				await res.arrayBuffer();
			}
		}
	});
});
