#!/usr/bin/env node
// How far strips move a filter from its whole-frame result: on a frame small
// enough for one kernel call (default 2000x1500), each filter runs whole and
// in strips under a small budget (default 8 MiB: many strips, so many cuts),
// and the SSIM and largest byte difference between the two are printed.
// Needs bench/out/strips.bundle.mjs from a run of bench/filters/full.mjs.
// Usage: node bench/filters/halo.mjs [W H] [filter ...]; HALO=rows, BUDGET=bytes.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { casesOf } from "./cases.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "bench", "out");
const args = process.argv.slice(2);
const W = Number(args[0] ?? 2000);
const H = Number(args[1] ?? 1500);
const CASES = casesOf(args);
const bundle = join(out, "strips.bundle.mjs");
const frame = join(out, `tools.${W}x${H}.rgba`);
if (!existsSync(bundle) || !existsSync(frame)) throw new Error(`run node bench/filters/full.mjs ${W} ${H} first`);

function run(name, query, dst, budget, halo) {
	const r = spawnSync(process.execPath, [bundle, frame, String(W), String(H), name, query, dst, budget, halo], {
		encoding: "utf8",
	});
	if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
	return JSON.parse(r.stdout.trim().split("\n").pop());
}

const compare = `import numpy as np, sys
sys.path.insert(0, ${JSON.stringify(join(root, "bench/filters"))})
from ssim import luma, ssim
w, h = int(sys.argv[1]), int(sys.argv[2])
a, b = (np.fromfile(p, np.uint8).reshape(h, w, 4)[:, :, 2::-1] for p in sys.argv[3:5])
print(ssim(luma(a), luma(b)), int(np.abs(a.astype(int) - b.astype(int)).max()), float((a != b).any(axis=2).mean()))`;

console.log(
	`${W}x${H}: strips (budget ${process.env.BUDGET ?? 8 * 2 ** 20} B) against one whole-frame call, same kernel`,
);
console.log(
	`${"filter".padEnd(20)}${"band".padStart(6)}${"halo".padStart(6)}${"strips".padStart(8)}${"SSIM".padStart(9)}${"max diff".padStart(10)}${"px differ".padStart(11)}`,
);
for (const [label, name, query] of CASES) {
	const whole = join(out, `halo.${label}.whole.rgba`);
	const cut = join(out, `halo.${label}.strips.rgba`);
	run(name, query, whole, String(1e9), "");
	const s = run(name, query, cut, process.env.BUDGET ?? String(8 * 2 ** 20), process.env.HALO ?? "");
	const c = spawnSync("/usr/bin/python3", ["-c", compare, String(W), String(H), whole, cut], { encoding: "utf8" });
	if (c.status !== 0) throw new Error(c.stderr);
	const [ssim, maxDiff, frac] = c.stdout.trim().split(" ").map(Number);
	console.log(
		`${label.padEnd(20)}${String(s.band).padStart(6)}${String(s.halo).padStart(6)}${String(s.strips).padStart(8)}${ssim.toFixed(5).padStart(9)}${String(maxDiff).padStart(10)}${`${(frac * 100).toFixed(3)}%`.padStart(11)}`,
	);
}
