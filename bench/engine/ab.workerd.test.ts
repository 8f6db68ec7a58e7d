// Two builds of the engine's kernels side by side inside workerd, where
// timings of separate runs drift by a third: the current build/kernels/infer.wasm
// against bench/out/baseline.wasm (another commit's build: check it out in a
// worktree, run `node scripts/build-kernels.mjs` there and copy its
// build/kernels/infer.wasm to bench/out/baseline.wasm). Both run ORT's graphs
// (the shipped models without the engine's own 8-bit convs, which an older
// build may lack), and the current build also the shipped models, on real
// inputs (a 480-wide detector tile of a receipt, six classifier windows and
// one whole-width recogniser line of it), in alternating rounds; the medians
// are logged, nothing about speed is asserted. The builds must share the
// kernels' ABI for ORT's graphs (src/ocr/engine/kernels.ts).
// Usage: npx vitest run --config bench/engine/vitest.config.mjs bench/engine/ab.workerd.test.ts
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import baseline from "../../bench/out/baseline.wasm";
import { cropPixels } from "../../src/lib/canvas";
import { detTensor } from "../../src/ocr/detPreprocess";
import { readInk } from "../../src/ocr/engine/format";
import { Heap } from "../../src/ocr/engine/heap";
import { Plan, type TensorData } from "../../src/ocr/engine/plan";
import { LINE_HEIGHT, lineTensor, scaledWidth } from "../../src/ocr/lineTensor";
import { withoutOwnInt8 } from "../../test/helpers/ink";
import { decodeFixture, fixture } from "../../test/helpers/ocrFixtures";

const ROUNDS = 12;

it("times the current kernels against a baseline build", async () => {
	const page = await decodeFixture(fixture("dev_en_receipt_01"));
	const line = cropPixels(page, { x: 0, y: 0, width: page.width, height: 60 });
	const width = scaledWidth(line, 3200);
	const tile = { x: 0, y: 0, width: Math.min(480, page.width) & ~31, height: Math.min(480, page.height) & ~31 };
	const inputs: Record<string, TensorData> = {
		det: { data: detTensor(page, tile), dims: [1, 3, tile.height, tile.width] },
		cls: { data: lineTensor([line, line, line, line, line, line], 192), dims: [6, 3, LINE_HEIGHT, 192] },
		rec: { data: lineTensor([line], width), dims: [1, 3, LINE_HEIGHT, width] },
	};
	type Ink = ReturnType<typeof readInk>;
	const shipped: Record<string, Ink> = {};
	const ort: Record<string, Ink> = {};
	for (const m of Object.keys(inputs)) {
		const bytes = new Uint8Array(await (await env.MODELS.fetch(`http://assets/${m}.ink`)).arrayBuffer());
		shipped[m] = readInk(bytes);
		ort[m] = readInk(withoutOwnInt8(bytes));
	}
	const runs: Record<string, { heap: Heap; files: Record<string, Ink> }> = {
		"baseline, ORT's graphs": { heap: new Heap(baseline), files: ort },
		"current, ORT's graphs": { heap: new Heap(), files: ort },
		"current, shipped": { heap: new Heap(), files: shipped },
	};
	const plans = Object.fromEntries(
		Object.entries(runs).map(([b, r]) => [
			b,
			Object.fromEntries(Object.keys(inputs).map((m) => [m, new Plan(r.heap, r.files[m] as Ink)])),
		]),
	);
	const ms: Record<string, number[]> = {};
	const tick = () => new Promise((r) => setTimeout(r, 0));
	for (let round = 0; round < ROUNDS; round++) {
		for (const b of Object.keys(runs)) {
			for (const [m, x] of Object.entries(inputs)) {
				await tick();
				const t0 = performance.now();
				const plan = (plans[b] as Record<string, Plan>)[m] as Plan;
				for (let i = 0; i < 4; i++) plan.run({ x });
				await tick();
				(ms[`${m} ${b}`] ??= []).push((performance.now() - t0) / 4);
			}
		}
	}
	const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1] as number;
	const rows = Object.keys(inputs).flatMap((m) => {
		const base = median(ms[`${m} baseline, ORT's graphs`] ?? []);
		return Object.keys(runs).map((b) => {
			const t = median(ms[`${m} ${b}`] ?? []);
			return `${m.padEnd(4)} ${inputs[m]?.dims.join("x").padEnd(14)} ${b.padEnd(24)} ${t.toFixed(1).padStart(7)} ms  ${(base / t).toFixed(2)}x`;
		});
	});
	console.log(rows.join("\n"));
	expect(rows.length).toBe(9);
});
