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

// i32x4.relaxed_dot_i8x16_i7x16_add_s(splat(-3), splat(5), splat(7)), lane 0: 4 x -15 + 7 = -53 by
// the spec. Node 20's V8 (11.3, behind the flag) returns -120 here: it drops the accumulator and
// doubles the dot, so the engine's 8-bit kernels compute other numbers under it than in workerd
// (some loops happen to come out right). Measured 2026-12-02; a warning, since compiling (as
// check-deploy does) is unaffected.
const DOT = Uint8Array.from(
	"0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,4,5,1,112,1,1,1,5,3,1,0,0,7,9,1,5,112,114,111,98,101,0,0,9,6,1,0,65,1,11,0,10,23,1,21,0,65,125,253,15,65,5,253,15,65,7,253,17,253,147,2,253,27,0,15,11"
		.split(",")
		.map(Number),
);
if (WebAssembly.validate(DOT)) {
	const got = new WebAssembly.Instance(new WebAssembly.Module(DOT)).exports.probe();
	if (got !== -53)
		console.warn(
			`relaxed-simd: this Node (V8 ${process.versions.v8}) computes the relaxed 8-bit dot as ${got}, not -53: the engine's 8-bit kernels are wrong here; time and check them in workerd (bench/engine/*.workerd.test.ts) or under a newer Node`,
		);
}
