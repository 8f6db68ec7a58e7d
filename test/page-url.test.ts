import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Env } from "../src/lib/config";

const app = createApp();

async function page(e: Env): Promise<string> {
	const res = await app.request("/", {}, e);
	expect(res.status).toBe(200);
	return res.text();
}

/** The #by-url block's attributes and note, read from the served HTML. */
function byUrl(html: string) {
	const block = /<div id="by-url"[^>]*>/.exec(html)?.[0] ?? "";
	return {
		ready: /data-ready="(\w+)"/.exec(block)?.[1],
		origins: /data-origins="([^"]*)"/.exec(block)?.[1],
		inputDisabled: /<input id="source-url"[^>]*disabled/.test(html),
		note: /<p id="by-url-note" class="note">([^<]*)<\/p>/.exec(html)?.[1] ?? "",
	};
}

describe("the page's image URLs", () => {
	it("explains that they are off while SOURCE_ORIGINS lists nothing, and offers no input", async () => {
		const b = byUrl(await page({ ...env, SOURCE_ORIGINS: "" }));
		expect([b.ready, b.inputDisabled]).toEqual(["no", true]);
		expect(b.note).toContain("SOURCE_ORIGINS");
		expect(b.note).toContain("off");
	});

	it("explains that signed URLs cannot be made in the browser", async () => {
		const b = byUrl(await page({ ...env, SOURCE_ORIGINS: "https://img.example" }));
		expect((env as Env).SIGNING_KEY).toBeTruthy();
		expect([b.ready, b.inputDisabled]).toEqual(["no", true]);
		expect(b.note).toContain("SIGNING_KEY");
	});

	it("explains that an API key would refuse a plain image URL", async () => {
		const b = byUrl(await page({ ...env, SOURCE_ORIGINS: "https://img.example", SIGNING_KEY: "", API_KEY: "k" }));
		expect(b.ready).toBe("no");
		expect(b.note).toContain("API key");
	});

	it("offers links when sources are allowed and nothing else is needed, naming the origins", async () => {
		const e = { ...env, SOURCE_ORIGINS: "https://img.example, http://localhost:9000", SIGNING_KEY: "" };
		const b = byUrl(await page(e));
		expect([b.ready, b.inputDisabled, b.origins]).toEqual(["yes", false, "https://img.example http://localhost:9000"]);
		expect(b.note).toContain("https://img.example or http://localhost:9000");
	});
});
