// The conv microbenchmark inside workerd (logs a table, asserts nothing about
// speed). workerd's clock only advances across I/O, so every timed batch is
// bracketed by a zero-length wait.
import { expect, it } from "vitest";
import inferModule from "../../build/kernels/infer.wasm";
// @ts-expect-error plain JS module shared with the Node bench
import { runAll, table } from "./shapes.mjs";

it("conv kernels: GMAC/s in workerd", async () => {
	const k = new WebAssembly.Instance(inferModule, { env: { abort: () => {} } }).exports;
	const tick = () => new Promise((r) => setTimeout(r, 0));
	const rows = await runAll([k], () => performance.now(), tick, 20, 400, 1000);
	console.log(`workerd\n${table(rows)}`);
	expect(rows.length).toBeGreaterThan(0);
});
