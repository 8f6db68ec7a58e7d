// Where the engine's time goes inside workerd (every wasm memory access
// bounds-checked there), per op group: ms per run and GMAC/s, on real inputs
// (the 8-bit kernels' work depends on the codes): a 480x480 detector tile of a
// receipt, the classifier on a batch of six of its first line, the
// recogniser on that line whole-width, and
// on the same line twice side by side. Logs a table, asserts nothing about speed.
// Usage: npx vitest run --config bench/engine/vitest.config.mjs bench/engine/profile.workerd.test.ts
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { profileModel, runModel } from "../../src/ocr/engine";
import type { PlannedNode } from "../../src/ocr/engine/plan";
import { useEngine } from "../../src/ocr/inference";
import { LINE_HEIGHT } from "../../src/ocr/lineTensor";
import { ensureOcrModels } from "../../src/ocr/models";
import { receiptInputs } from "../../test/helpers/receipt";

const RUNS = 8;

async function cases(): Promise<{ model: string; data: Float32Array; dims: number[] }[]> {
	const { tile, windows, strip } = await receiptInputs();
	const width = strip.dims[3] as number;
	// The same line twice side by side: a longer real input.
	const two = new Float32Array(2 * strip.data.length);
	for (let r = 0; r < 3 * LINE_HEIGHT; r++) {
		two.set(strip.data.subarray(r * width, (r + 1) * width), r * 2 * width);
		two.set(strip.data.subarray(r * width, (r + 1) * width), r * 2 * width + width);
	}
	return [
		{ model: "det", ...tile },
		{ model: "cls", ...windows },
		{ model: "rec", ...strip },
		{ model: "rec", data: two, dims: [1, 3, LINE_HEIGHT, 2 * width] },
	];
}

function group(n: PlannedNode): string {
	if (n.op !== "Conv") return n.op + (n.q8 ? " 8-bit" : "");
	const k = (n.kernel ?? []).join("x");
	const kind = (n.group ?? 1) > 1 ? "depthwise" : n.int8 === 7 ? "7-bit" : n.q8 || n.int8 ? "8-bit" : "float";
	return `Conv ${k} ${kind}`;
}

it("profiles the engine's op groups in workerd", async () => {
	useEngine("ink");
	await ensureOcrModels(env.MODELS);
	const rows: string[] = [];
	for (const c of await cases()) {
		const data = c.data;
		const plan = profileModel(c.model, true);
		await runModel(c.model, { x: { data, dims: c.dims } });
		for (const n of plan?.nodes ?? []) {
			n.ms = 0;
			n.macs = 0;
		}
		const t0 = performance.now();
		for (let i = 0; i < RUNS; i++) await runModel(c.model, { x: { data, dims: c.dims } });
		const total = (performance.now() - t0) / RUNS;
		profileModel(c.model, false);
		const groups = new Map<string, { ms: number; macs: number }>();
		for (const n of plan?.nodes ?? []) {
			const g = groups.get(group(n)) ?? { ms: 0, macs: 0 };
			g.ms += n.ms / RUNS;
			g.macs += n.macs / RUNS;
			groups.set(group(n), g);
		}
		rows.push(`${c.model} ${c.dims.join("x")}: ${total.toFixed(1)} ms per run`);
		for (const [k, g] of [...groups].sort((a, b) => b[1].ms - a[1].ms)) {
			const rate = g.macs > 0 ? (g.macs / g.ms / 1e6).toFixed(1) : "";
			rows.push(`  ${k.padEnd(28)} ${g.ms.toFixed(2).padStart(8)} ms ${rate.padStart(7)}`);
		}
	}
	console.log(rows.join("\n"));
	expect(rows.length).toBeGreaterThan(0);
});
