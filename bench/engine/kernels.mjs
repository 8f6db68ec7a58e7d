#!/usr/bin/env node
// Microbenchmark of the engine's conv kernels in Node: GMAC/s per shape class
// of the PP-OCR graphs. Run `node scripts/build-kernels.mjs` first.
// Usage: node bench/engine/kernels.mjs [filter]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runAll, SHAPES, table } from "./shapes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bytes = readFileSync(join(root, "build", "kernels", "infer.wasm"));
const mod = new WebAssembly.Module(bytes);
const k = new WebAssembly.Instance(mod, {
	env: {
		abort: () => {
			throw new Error("abort");
		},
	},
}).exports;
const filter = process.argv[2];
if (filter) for (let i = SHAPES.length - 1; i >= 0; i--) if (!SHAPES[i].label.includes(filter)) SHAPES.splice(i, 1);
const rows = await runAll(k, () => performance.now());
console.log(table(rows));
