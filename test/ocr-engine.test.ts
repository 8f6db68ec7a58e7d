// The engine (src/ocr/engine/) against onnxruntime-web, the reference, on the
// OCR fixtures inside workerd: the detector's and classifier's outputs for the
// same folded float graphs, and the whole pipeline's text. The recogniser is
// float in the engine and 8-bit in ORT (scripts/quantize.mjs), so its text is
// compared, and its accuracy against the ground truth, not its logits.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detTensor } from "../src/ocr/detPreprocess";
import { type EngineName, firstOutput, run, useEngine } from "../src/ocr/inference";
import { ensureOcrModels, type OcrModels } from "../src/ocr/models";
import { recognize } from "../src/ocr/pipeline";
import { cer, pooledCer } from "./helpers/cer";
import { decodeFixture, fixture, OCR_FIXTURES } from "./helpers/ocrFixtures";

const models: Partial<Record<EngineName, OcrModels>> = {};

beforeAll(async () => {
	for (const engine of ["ort", "ink"] as const) {
		useEngine(engine);
		models[engine] = await ensureOcrModels(env.MODELS);
	}
});

afterAll(() => useEngine("ink"));

async function runWith(engine: EngineName, model: "det" | "cls", data: Float32Array, dims: number[]) {
	useEngine(engine);
	return firstOutput(await run(model, { x: { data, dims } }));
}

function maxDiff(a: Float32Array, b: Float32Array): number {
	let d = 0;
	for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
	return d;
}

describe("engine against onnxruntime-web", () => {
	it("gives the detector's probability map of a real page within 1e-4", async () => {
		const page = await decodeFixture(fixture("dev_en_receipt_01"));
		const tile = { x: 0, y: 0, width: Math.min(480, page.width) & ~31, height: Math.min(480, page.height) & ~31 };
		const data = detTensor(page, tile);
		const dims = [1, 3, tile.height, tile.width];
		const ref = await runWith("ort", "det", data, dims);
		const ours = await runWith("ink", "det", data, dims);
		expect(ours.dims).toEqual(ref.dims);
		// A map that is all background would agree trivially: this one has text pixels.
		expect(ref.data.filter((p) => p > 0.3).length).toBeGreaterThan(1000);
		expect(maxDiff(ours.data, ref.data)).toBeLessThan(1e-4);
	});

	it("gives the classifier's probabilities for a batch of real windows within 1e-5", async () => {
		const page = await decodeFixture(fixture("dev_en_para_02"));
		const windows = [0, 48, 96, 144, 192, 240].map((y) => detTensor(page, { x: 0, y, width: 192, height: 48 }));
		const data = new Float32Array(windows.length * windows[0]!.length);
		windows.forEach((w, i) => {
			data.set(w, i * w.length);
		});
		const dims = [windows.length, 3, 48, 192];
		const ref = await runWith("ort", "cls", data, dims);
		const ours = await runWith("ink", "cls", data, dims);
		expect(ours.dims).toEqual([6, 2]);
		expect(maxDiff(ours.data, ref.data)).toBeLessThan(1e-5);
	});

	it("reads the fixtures as ORT does, at least as accurately", async () => {
		const scores: Record<EngineName, ReturnType<typeof cer>[]> = { ort: [], ink: [] };
		let same = 0;
		for (const f of OCR_FIXTURES) {
			const pixels = await decodeFixture(f);
			const texts: Partial<Record<EngineName, string>> = {};
			for (const engine of ["ort", "ink"] as const) {
				useEngine(engine);
				const result = await recognize(pixels, {}, models[engine] as OcrModels);
				texts[engine] = result.text;
				scores[engine].push(cer(result.text, f.truth));
			}
			expect(texts.ink?.trim(), f.name).not.toBe("");
			if (texts.ink === texts.ort) same++;
			console.log(
				f.name,
				texts.ink === texts.ort ? "same" : `ort ${JSON.stringify(texts.ort)} ink ${JSON.stringify(texts.ink)}`,
			);
		}
		const ort = pooledCer(scores.ort);
		const ink = pooledCer(scores.ink);
		console.log("pooled CER ort", ort, "ink", ink, "same", same);
		expect(ink).toBeLessThanOrEqual(ort);
	});
});
