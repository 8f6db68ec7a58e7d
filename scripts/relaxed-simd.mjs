// The engine's kernels (build/kernels/infer.wasm) use relaxed SIMD, which Node
// 20's V8 has only behind a flag (workerd has it on). A Node script that
// compiles them (scripts/check-deploy.mjs, the engine benchmarks) imports this
// first: where the flag is needed and missing, the script runs again under it
// and this process exits with its code.
import { spawnSync } from "node:child_process";

// A module whose one function holds i32x4.relaxed_dot_i8x16_i7x16_add_s (0xfd 0x113).
const PROBE = Uint8Array.of(
	0,
	97,
	115,
	109,
	1,
	0,
	0,
	0,
	1,
	4,
	1,
	96,
	0,
	0,
	3,
	2,
	1,
	0,
	10,
	62,
	1,
	60,
	0,
	253,
	12,
	...new Array(16).fill(0),
	253,
	12,
	...new Array(16).fill(0),
	253,
	12,
	...new Array(16).fill(0),
	253,
	147,
	2,
	26,
	11,
);

const FLAG = "--experimental-wasm-relaxed-simd";
if (!WebAssembly.validate(PROBE) && !process.execArgv.includes(FLAG)) {
	const r = spawnSync(process.execPath, [...process.execArgv, FLAG, ...process.argv.slice(1)], { stdio: "inherit" });
	process.exit(r.status ?? 1);
}
