import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import pngFile from "./fixtures/tools.input.png";
import { BASE } from "./helpers/api";

/**
 * /api/styles computes several results in one request and stores each in the
 * edge tier (the Workers Cache API). Those writes finish after the response
 * has gone, so each must be handed to the request's waitUntil, or the
 * runtime may cut it off. A context that records waitUntil shows it.
 */
describe("POST /api/styles and the edge tier", () => {
	it("hands every result's edge write to waitUntil", async () => {
		const pending: Promise<unknown>[] = [];
		const ctx = {
			waitUntil: (p: Promise<unknown>) => pending.push(p),
			passThroughOnException: () => {},
			props: {},
		} as unknown as ExecutionContext;
		// A distinct max_side so no earlier test has cached these results.
		const res = await worker.fetch(
			new Request(`${BASE}/api/styles?names=sketch,oil,watercolor&max_side=123`, {
				method: "POST",
				body: new Uint8Array(pngFile),
				headers: { "content-type": "image/png" },
			}),
			env,
			ctx,
		);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { data: { results: Record<string, { cache: string }> } };
		expect(Object.values(body.data.results).map((r) => r.cache)).toEqual(["MISS", "MISS", "MISS"]);
		expect(pending.length).toBeGreaterThanOrEqual(3);
		await Promise.all(pending);
	});
});
