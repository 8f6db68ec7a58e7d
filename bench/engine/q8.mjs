#!/usr/bin/env node
// Microbenchmark of the int8 convolutions against the float conv of the same
// module, in Node (shapes and timing: q8-shapes.mjs; the same inside workerd:
// q8.workerd.test.ts). Run `node scripts/build-kernels.mjs` first.
// Usage: node bench/engine/q8.mjs [shape filter | rec] [other infer.wasm]
import "../../scripts/relaxed-simd.mjs";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runQ8, runRec, table } from "./q8-shapes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith(".wasm")) ?? join(root, "build", "kernels", "infer.wasm");
const k = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
	env: {
		abort: () => {
			throw new Error("abort");
		},
	},
}).exports;
const filter = args.find((a) => !a.endsWith(".wasm"));
const now = () => performance.now();
const rows = filter === "rec" ? [] : await runQ8(k, now, undefined, filter);
if (!filter || filter === "rec") rows.push(...(await runRec(k, now)));
console.log(table(rows));
