import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ConfigEnv, configFrom, DEFAULT_LIMITS, VARS, type VarName } from "../src/lib/config";

const MiB = 1024 * 1024;

afterEach(() => vi.restoreAllMocks());

describe("configuration", () => {
	it("has every default when nothing is set", () => {
		expect(configFrom(undefined)).toEqual({
			limits: { maxUploadBytes: 30 * MiB, maxPixels: 100_000_000, maxSide: 30000 },
			corsOrigins: "*",
			apiKey: undefined,
			admission: { budgetBytes: 100 * MiB, caps: { ocr: 1, filter: 2 }, queueLimit: 16, maxWaitMs: 30_000 },
			cache: { maxBytes: 32 * MiB, ttlMs: 3_600_000, edge: true },
			modelIdleMs: 600_000,
			uploadPoolBytes: 64 * MiB,
			source: { origins: [], timeoutMs: 10_000 },
			signingKey: undefined,
			ocrEngine: "ink",
		});
		expect(configFrom({})).toEqual(configFrom(undefined));
		expect(DEFAULT_LIMITS).toEqual(configFrom(undefined).limits);
	});

	it("wrangler.toml [vars] lists every variable with the table's default, and no other", () => {
		// SIGNING_KEY is a secret (vitest.config.ts binds one, as `wrangler secret put` would): not a var.
		const { SIGNING_KEY, ...plain } = env as typeof env & { SIGNING_KEY?: string };
		expect(SIGNING_KEY).toBeTruthy();
		const vars = Object.fromEntries(Object.entries(plain).filter(([, v]) => typeof v === "string"));
		const table = Object.fromEntries(Object.entries(VARS).map(([name, spec]) => [name, spec.default]));
		expect(vars).toEqual(table);
		const warn = vi.spyOn(console, "warn");
		expect(configFrom({ ...plain })).toEqual(configFrom(undefined));
		expect(warn).not.toHaveBeenCalled();
	});

	it("takes overrides", () => {
		const config = configFrom({
			MAX_UPLOAD_BYTES: "1000",
			MAX_PIXELS: " 2000 ",
			MAX_SIDE: "300.7",
			CORS_ORIGINS: "https://a.example, https://b.example,",
			API_KEY: "k",
			MEMORY_BUDGET_BYTES: "1e6",
			OCR_CONCURRENCY: "3",
			FILTER_CONCURRENCY: "4",
			QUEUE_LIMIT: "5",
			QUEUE_WAIT_MS: "600",
			CACHE_MAX_BYTES: "7000",
			CACHE_TTL_SECONDS: "0.5",
			CACHE_EDGE: " OFF ",
			MODEL_IDLE_SECONDS: "0",
			UPLOAD_POOL_BYTES: "8000",
			SOURCE_ORIGINS: " https://IMG.example/ , http://localhost:9000,",
			SOURCE_TIMEOUT_MS: "2500",
			SIGNING_KEY: "s",
			OCR_ENGINE: "ort",
		});
		expect(config).toEqual({
			limits: { maxUploadBytes: 1000, maxPixels: 2000, maxSide: 300 },
			corsOrigins: ["https://a.example", "https://b.example"],
			apiKey: "k",
			admission: { budgetBytes: 1_000_000, caps: { ocr: 3, filter: 4 }, queueLimit: 5, maxWaitMs: 600 },
			cache: { maxBytes: 7000, ttlMs: 500, edge: false },
			modelIdleMs: 0,
			uploadPoolBytes: 8000,
			source: { origins: ["https://img.example", "http://localhost:9000"], timeoutMs: 2500 },
			signingKey: "s",
			ocrEngine: "ort",
		});
		expect(configFrom({ CACHE_EDGE: "On" }).cache.edge).toBe(true);
		expect(configFrom({ CORS_ORIGINS: " * " }).corsOrigins).toBe("*");
		expect(configFrom({ API_KEY: "" }).apiKey).toBeUndefined();
		expect(configFrom({ OCR_ENGINE: " ORT " }).ocrEngine).toBe("ort");
		expect(configFrom({}).ocrEngine).toBe("ink");
	});

	it("falls back to the default for a bad value, with one warning naming the variable", () => {
		const bad: Record<VarName, string> = {
			MAX_UPLOAD_BYTES: "lots",
			MAX_PIXELS: "-1",
			MAX_SIDE: "0.5",
			CORS_ORIGINS: "",
			MEMORY_BUDGET_BYTES: "Infinity",
			OCR_CONCURRENCY: "0",
			FILTER_CONCURRENCY: "two",
			QUEUE_LIMIT: "NaN",
			QUEUE_WAIT_MS: "-30000",
			CACHE_MAX_BYTES: "32MB",
			CACHE_TTL_SECONDS: "0",
			CACHE_EDGE: "maybe",
			MODEL_IDLE_SECONDS: "-1",
			UPLOAD_POOL_BYTES: "1/2",
			SOURCE_ORIGINS: "",
			SOURCE_TIMEOUT_MS: "soon",
			OCR_ENGINE: "tflite",
		};
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		expect(configFrom(bad)).toEqual(configFrom(undefined));
		// CORS_ORIGINS is empty, which is unset: every other variable warns once, by name.
		const named = warn.mock.calls.map(([message]) => String(message).match(/config: ([A-Z_]+)=/)?.[1]);
		expect(named.sort()).toEqual(
			Object.keys(bad)
				.filter((n) => n !== "CORS_ORIGINS" && n !== "SOURCE_ORIGINS")
				.sort(),
		);
		expect(String(warn.mock.calls[0]?.[0])).toContain('MAX_UPLOAD_BYTES="lots"');
		expect(String(warn.mock.calls[0]?.[0])).toContain("31457280");
	});

	it("parses an env object once", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const e: ConfigEnv = { MAX_SIDE: "oops", QUEUE_LIMIT: "4" };
		const first = configFrom(e);
		expect(configFrom(e)).toBe(first);
		expect(configFrom(e)).toBe(first);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(first.admission.queueLimit).toBe(4);
		// Another object is parsed on its own.
		expect(configFrom({ ...e, QUEUE_LIMIT: "5" }).admission.queueLimit).toBe(5);
		expect(configFrom(undefined)).toBe(configFrom(undefined));
	});
});
