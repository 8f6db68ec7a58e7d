#!/usr/bin/env node
// Microbenchmark of the engine's conv kernels in Node: GMAC/s per shape class
// of the PP-OCR graphs. Run `node scripts/build-kernels.mjs` first.
// Usage: node bench/engine/kernels.mjs [shape filter] [other.wasm ...]
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { opts, runAll, SHAPES, table } from "./shapes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Extra wasm files (e.g. an older build) are timed side by side with the current one.
const args = process.argv.slice(2);
const files = [join(root, "build", "kernels", "infer.wasm"), ...args.filter((a) => a.endsWith(".wasm"))];
const filter = args.find((a) => !a.endsWith(".wasm"));
if (process.env.ACT) opts.act = Number(process.env.ACT);
const env = {
	abort: () => {
		throw new Error("abort");
	},
};
const ks = files.map((f) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(f)), { env }).exports);
if (filter) for (let i = SHAPES.length - 1; i >= 0; i--) if (!SHAPES[i].label.includes(filter)) SHAPES.splice(i, 1);
const rows = await runAll(ks, () => performance.now());
console.log(
	table(
		rows,
		files.map((f, i) => (i === 0 ? "GMAC/s" : basename(f))),
	),
);
