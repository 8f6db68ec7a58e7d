// The int8 conv microbenchmark inside workerd (logs a table, asserts nothing
// about speed): npx vitest run --config bench/engine/vitest.config.mjs bench/engine/q8.workerd.test.ts
import { expect, it } from "vitest";
import inferModule from "../../build/kernels/infer.wasm";
// @ts-expect-error plain JS module shared with the Node bench
import { runQ8, runRec, table } from "./q8-shapes.mjs";

it("int8 convs against float: GMAC/s in workerd", async () => {
	const k = new WebAssembly.Instance(inferModule, { env: { abort: () => {} } }).exports;
	const tick = () => new Promise((r) => setTimeout(r, 0));
	// Batches long enough for the clock, which workerd coarsens.
	const rows = await runQ8(k, () => performance.now(), tick, "", 60, 11);
	rows.push(...(await runRec(k, () => performance.now(), tick, 30, 5)));
	console.log(`workerd\n${table(rows)}`);
	expect(rows.length).toBeGreaterThan(0);
});
