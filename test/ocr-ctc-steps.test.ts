// The recogniser's CTC steps as the engine finds them in its own memory
// (ctcSteps in assembly/_infer_ctc.ts through runModelSteps) against the JS
// scan of the same probabilities (stepsOf): the same winner, probability and
// space value on every step, so decoding them gives what ctcGreedy gave.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cropPixels } from "../src/lib/canvas";
import { charset, ctcGreedy, decodeSteps, stepsOf, sureWinner } from "../src/ocr/ctcDecode";
import { loadModel, runModel, runModelSteps } from "../src/ocr/engine";
import { LINE_HEIGHT, lineTensor, scaledWidth } from "../src/ocr/lineTensor";
import { Harness, randomFloats } from "./helpers/engineKernel";
import { decodeFixture, fixture } from "./helpers/ocrFixtures";

async function file(name: string): Promise<Uint8Array> {
	return new Uint8Array(await (await env.MODELS.fetch(`http://assets/${name}`)).arrayBuffer());
}

/** The kernel's steps of `rows` x `classes` values, as stepsOf lays them out. */
function kernelSteps(data: Float32Array, rows: number, classes: number, space: number, sure: number) {
	const h = new Harness();
	const x = h.load(data);
	const out = h.alloc(rows * 3);
	h.call("ctcSteps", x, rows, classes, space, sure, out);
	const s = h.read(out, rows * 3);
	expect(h.guardsIntact()).toBe(true);
	return {
		best: Array.from({ length: rows }, (_, r) => s[3 * r] as number),
		p: Array.from({ length: rows }, (_, r) => s[3 * r + 1] as number),
		space: Array.from({ length: rows }, (_, r) => s[3 * r + 2] as number),
	};
}

describe("CTC steps in the engine", () => {
	it("match the JS scan on planted cases: ties, NaNs, sure winners, logits, odd class counts", () => {
		for (const classes of [1, 3, 7, 8, 13, 64, 6625]) {
			const rows = 12;
			const chars = Array.from({ length: classes }, (_, i) => (i === classes - 1 && classes > 2 ? " " : `c${i}`));
			const space = chars.lastIndexOf(" ");
			// Softmax-like rows (each sums to 1) and logit rows (no early stop).
			for (const kind of ["probabilities", "logits"] as const) {
				const data = randomFloats(
					rows * classes,
					classes * 7 + rows,
					kind === "logits" ? -8 : 0,
					kind === "logits" ? 8 : 1,
				);
				if (kind === "probabilities")
					for (let r = 0; r < rows; r++) {
						let sum = 0;
						for (let c = 0; c < classes; c++) sum += data[r * classes + c] as number;
						for (let c = 0; c < classes; c++) data[r * classes + c] = (data[r * classes + c] as number) / sum;
					}
				const at = (r: number, c: number) => r * classes + Math.min(c, classes - 1);
				// Row 1: the maximum twice (the first wins); row 2: NaN at class 0; row 3: NaN inside;
				// row 4: a sure winner late in the row; row 5: the blank sure; row 6: a sure winner
				// before a larger value (the scan stops at the first, as the JS one does).
				data[at(1, 2)] = 5;
				data[at(1, classes - 1)] = 5;
				data[at(2, 0)] = Number.NaN;
				data[at(3, classes >> 1)] = Number.NaN;
				data[at(4, classes - 2)] = 0.9;
				data[at(5, 0)] = 0.95;
				data[at(6, 1)] = 0.6;
				data[at(6, classes - 1)] = 0.8;
				const dims = [1, rows, classes];
				const js = stepsOf(data, dims, chars);
				const sure = sureWinner(data.subarray(0, classes), data.subarray((rows - 1) * classes));
				const k = kernelSteps(data, rows, classes, space, sure);
				expect(k.best, `${classes} classes, ${kind}: winners`).toEqual(Array.from(js.best));
				expect(k.p, `${classes} classes, ${kind}: their values`).toEqual(Array.from(js.p));
				expect(k.space, `${classes} classes, ${kind}: space values`).toEqual(Array.from(js.space));
			}
		}
	});

	it("decode a receipt's lines as ctcGreedy decodes the copied output", async () => {
		await loadModel("rec", await file("rec.ink"));
		const chars = charset(new TextDecoder().decode(await file("ppocr_keys_v1.txt")));
		const page = await decodeFixture(fixture("dev_en_receipt_01"));
		let steps = 0;
		for (const y of [0, 60, 120, 300, 500]) {
			const line = cropPixels(page, { x: 0, y, width: page.width, height: 40 });
			const width = scaledWidth(line, 3200);
			const x = { data: lineTensor([line], width), dims: [1, 3, LINE_HEIGHT, width] };
			const full = Object.values(await runModel("rec", { x }))[0];
			if (!full) throw new Error("no output");
			const { steps: triples, dims } = await runModelSteps("rec", { x }, chars.lastIndexOf(" "), sureWinner);
			const js = stepsOf(full.data, full.dims, chars);
			expect(dims).toEqual([...full.dims]);
			for (let r = 0; r < js.best.length; r++) {
				expect([triples[3 * r], triples[3 * r + 1], triples[3 * r + 2]], `row ${y} step ${r}`).toEqual([
					js.best[r],
					js.p[r],
					js.space[r],
				]);
			}
			steps += js.best.length;
			expect(decodeSteps(js, chars)).toEqual(ctcGreedy(full.data, full.dims, chars));
		}
		expect(steps).toBeGreaterThan(100);
	});
});
