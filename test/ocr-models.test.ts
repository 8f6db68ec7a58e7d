// Loading the OCR models without the app's registry (tests, the benchmark Worker) keeps its checks.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AppError } from "../src/lib/errors";
import { isModelLoaded as isLoaded, releaseModel as releaseSession } from "../src/ocr/engine";
import { ensureOcrModels } from "../src/ocr/models";

const models = env.MODELS;

describe("ensureOcrModels", () => {
	it("checks each model file against the manifest when loading without the app's registry", async () => {
		const tampered = {
			async fetch(url: string) {
				const res = await models.fetch(url);
				if (!url.endsWith("det.ink")) return res;
				const bytes = new Uint8Array(await res.arrayBuffer());
				bytes[2000] ^= 0xff;
				return new Response(bytes);
			},
		};
		const err = await ensureOcrModels(tampered).catch((e: AppError) => e);
		expect([(err as AppError).status, (err as AppError).code]).toEqual([503, "model_corrupt"]);
		expect(isLoaded("det")).toBe(false);
		const set = await ensureOcrModels(models);
		expect(["det", "cls", "rec"].every(isLoaded)).toBe(true);
		expect(set.chars.length).toBeGreaterThan(6000);
		for (const name of ["det", "cls", "rec"]) await releaseSession(name);
	});
});
