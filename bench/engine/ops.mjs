#!/usr/bin/env node
// Microbench of the engine's gemm and element-wise kernels (build/kernels/infer.wasm) in
// Node: GMAC/s per gemm shape of the recogniser (float, packed float, int8 with and without
// quantizing A, int8 error against float), GB/s (bytes read + written) of binary/unary on
// 1M floats. The same cases inside workerd: ops.workerd.test.ts.
// Usage: node bench/engine/ops.mjs  (after node scripts/build-kernels.mjs)
import "../../scripts/relaxed-simd.mjs";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { markdown, runOps } from "./ops-core.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const module = new WebAssembly.Module(readFileSync(join(root, "build", "kernels", "infer.wasm")));
const instance = () =>
	new WebAssembly.Instance(module, {
		env: {
			abort: () => {
				throw new Error("infer kernel abort");
			},
		},
	}).exports;
const { gemm, elements } = await runOps(instance, { now: () => performance.now(), tick: async () => {} });
console.log(`Node ${process.version}\n\n${markdown(gemm)}\n\n${markdown(elements)}`);
