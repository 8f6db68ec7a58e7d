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
import { readInk } from "../../src/ocr/engine/format";
import { Heap } from "../../src/ocr/engine/heap";
import { Plan, type TensorData } from "../../src/ocr/engine/plan";
import { withoutOwnInt8 } from "../../test/helpers/ink";
import { receiptInputs } from "../../test/helpers/receipt";

const ROUNDS = 12;

it("times the current kernels against a baseline build", async () => {
	const { tile, windows, strip } = await receiptInputs();
	const inputs: Record<string, TensorData> = { det: tile, cls: windows, rec: strip };
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
