import { describe, expect, it } from "vitest";
import { cacheOptions, matchesEtag, ResultCache, resultKey } from "../src/cache";
import { type ConfigEnv, configFrom } from "../src/lib/config";

const optionsOf = (env: ConfigEnv | undefined) => cacheOptions(configFrom(env));

const result = (n: number, fill = 1) => ({ body: new Uint8Array(n).fill(fill), contentType: "image/png" });

describe("result cache", () => {
	it("holds its byte bound under a burst of distinct entries and counts evictions", async () => {
		const cache = new ResultCache({ maxBytes: 64 * 1024, ttlMs: 60_000 });
		for (let i = 0; i < 200; i++) await cache.getOrCompute(`k${i}`, async () => result(4000, i));
		const stats = cache.stats();
		expect(stats.bytes).toBeLessThanOrEqual(64 * 1024);
		expect(stats.entries).toBeGreaterThan(5);
		expect(stats.evictions).toBe(200 - stats.entries);
		expect(stats.misses).toBe(200);
	});

	it("refuses an entry larger than a quarter of the cache but still returns it", async () => {
		const cache = new ResultCache({ maxBytes: 64 * 1024, ttlMs: 60_000 });
		const { value } = await cache.getOrCompute("big", async () => result(20 * 1024));
		expect(value.body.byteLength).toBe(20 * 1024);
		expect(await cache.lookup("big")).toBeNull();
		expect(cache.stats().too_large).toBe(1);
	});

	it("computes concurrent identical requests once, and a hit returns identical bytes", async () => {
		const cache = new ResultCache({ maxBytes: 1 << 20, ttlMs: 60_000 });
		let runs = 0;
		const compute = async () => {
			runs++;
			await new Promise((r) => setTimeout(r, 20));
			return result(100, 7);
		};
		const [a, b] = await Promise.all([cache.getOrCompute("same", compute), cache.getOrCompute("same", compute)]);
		expect(runs).toBe(1);
		expect(a.value.body).toBe(b.value.body);
		const again = await cache.getOrCompute("same", compute);
		expect(again.source).toBe("HIT");
		expect(runs).toBe(1);
	});

	it("sheds least recently used results for memory, only as many as asked", async () => {
		const cache = new ResultCache({ maxBytes: 1 << 20, ttlMs: 60_000 });
		for (const k of ["a", "b", "c", "d"]) await cache.getOrCompute(k, async () => result(50_000));
		await cache.getOrCompute("a", async () => result(1)); // a hit: "a" is now the most recent
		const each = cache.bytes / 4;
		expect(cache.shed(each + 1)).toBe(2 * each);
		const held = await Promise.all(["a", "b", "c", "d"].map(async (k) => (await cache.lookup(k)) !== null));
		expect(held).toEqual([true, false, false, true]);
		expect(cache.stats().shed_bytes).toBe(2 * each);
		expect(cache.shed(0)).toBe(0);
		expect(cache.shed(10 * each)).toBe(2 * each);
		expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, shed_bytes: 4 * each });
	});

	it("reads its settings from the environment, with the edge tier on unless CACHE_EDGE is off", () => {
		// The tests run inside workerd, where caches.default exists.
		expect(optionsOf(undefined)).toMatchObject({ maxBytes: 32 * 1024 * 1024, ttlMs: 3_600_000 });
		expect(optionsOf(undefined).edge).not.toBeNull();
		expect(optionsOf({ CACHE_EDGE: "on" }).edge).not.toBeNull();
		expect(optionsOf({ CACHE_EDGE: " OFF " }).edge).toBeNull();
		expect(optionsOf({ CACHE_MAX_BYTES: "1000", CACHE_TTL_SECONDS: "-5" })).toMatchObject({
			maxBytes: 1000,
			ttlMs: 3_600_000,
		});
		expect(new ResultCache(optionsOf({ CACHE_EDGE: "off" })).stats().edge_tier).toBe(false);
	});

	it("does not cache a failure", async () => {
		const cache = new ResultCache({ maxBytes: 1 << 20, ttlMs: 60_000 });
		await expect(cache.getOrCompute("x", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
		const { source } = await cache.getOrCompute("x", async () => result(10));
		expect(source).toBe("MISS");
	});

	it("keys on every option and the version", async () => {
		const base = { inputMd5: "abc", operation: "style:oil", options: { size: 7, dyn_ratio: 1 }, version: "k1" };
		const key = await resultKey(base);
		expect(key).toMatch(/^[0-9a-f]{32}$/);
		expect(await resultKey({ ...base, options: { dyn_ratio: 1, size: 7 } })).toBe(key);
		expect(await resultKey({ ...base, options: { size: 9, dyn_ratio: 1 } })).not.toBe(key);
		expect(await resultKey({ ...base, version: "k2" })).not.toBe(key);
		expect(matchesEtag(`W/"other", "${key}"`, key)).toBe(true);
		expect(matchesEtag('"other"', key)).toBe(false);
	});
});

describe("styled result keys", () => {
	it("name the JPEG encoder's version, so bytes from another encoder never share an ETag", async () => {
		const { styleKeyParts } = await import("../src/routes/style-options");
		const { KERNEL_VERSION } = await import("../src/filters");
		const { parseFitParams } = await import("../src/lib/fit-params");
		const job = (format: "jpeg" | "png") => ({
			name: "sketch" as const,
			params: { sigma_s: 60 },
			fit: parseFitParams({}),
			out: { format, quality: 85, negotiated: false },
		});
		const jpeg = styleKeyParts("abc", job("jpeg"));
		const png = styleKeyParts("abc", job("png"));
		expect(jpeg.version).toBe(`${KERNEL_VERSION}+jpeg-2`);
		expect(png.version).toBe(KERNEL_VERSION);
		// One key per (input, filter, options, version): the version alone moves it.
		expect(await resultKey(jpeg)).not.toBe(await resultKey({ ...jpeg, version: KERNEL_VERSION }));
	});
});
