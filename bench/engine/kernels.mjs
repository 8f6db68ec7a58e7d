#!/usr/bin/env node
// Microbenchmark of the engine's conv kernels in Node: GMAC/s per shape class
// of the PP-OCR graphs. Run `node scripts/build-kernels.mjs` first.
// Usage: node bench/engine/kernels.mjs [shape filter] [other.wasm ...]
import "../../scripts/relaxed-simd.mjs";
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
let ks = files.map((f) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(f)), { env }).exports);
let names = files.map((f, i) => (i === 0 ? "GMAC/s" : basename(f)));
// ACTS=0,3: the first build once per activation code, side by side.
if (process.env.ACTS) {
	const acts = process.env.ACTS.split(",").map(Number);
	ks = acts.map((act) => ({ k: ks[0], act }));
	names = acts.map((a) => `act ${a}`);
}
if (filter) for (let i = SHAPES.length - 1; i >= 0; i--) if (!SHAPES[i].label.includes(filter)) SHAPES.splice(i, 1);
// CLOCK=cpu times on-CPU user time instead of wall time: steadier on a loaded machine.
const clock = process.env.CLOCK === "cpu" ? () => process.cpuUsage().user / 1000 : () => performance.now();
const cpu = process.env.CLOCK === "cpu";
// The CPU clock ticks coarsely: long units.
const rows = await runAll(ks, clock, undefined, cpu ? 100 : 2, cpu ? 1200 : 400);
console.log(table(rows, names));
