// The gemm and element-wise microbenchmark inside workerd (logs the tables, asserts nothing
// about speed): npx vitest run --config bench/engine/vitest.config.mjs bench/engine/ops.workerd.test.ts
import { expect, it } from "vitest";
import inferModule from "../../build/kernels/infer.wasm";
// @ts-expect-error plain JS module shared with the Node bench
import { markdown, runOps } from "./ops-core.mjs";

it("gemm GMAC/s and element-wise GB/s in workerd", async () => {
	const instance = () =>
		new WebAssembly.Instance(inferModule, {
			env: {
				abort() {
					throw new Error("infer kernel abort");
				},
			},
		}).exports;
	const tick = () => new Promise((r) => setTimeout(r, 0));
	// Rounds long enough for the clock, which workerd coarsens (to about a millisecond here).
	const { gemm, elements } = await runOps(instance, { now: () => performance.now(), tick, ms: 60, rounds: 12 });
	console.log(`workerd\n\n${markdown(gemm)}\n\n${markdown(elements)}`);
	expect(gemm.length).toBe(4);
});
