#!/usr/bin/env node
// Microbench of the engine's gemm and element-wise kernels (build/kernels/infer.wasm):
// GMAC/s per gemm shape of the recogniser, GB/s (bytes read + written) for binary/unary
// on 1M floats. Node by default; `--workerd` runs the same code inside workerd
// (wrangler dev, bench/engine/wrangler.toml), where every memory access is checked.
// Usage: node bench/engine/ops.mjs [--workerd]  (after node scripts/build-kernels.mjs)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { elementCases, GEMM_SHAPES, gemmCases, gemmRow, timeAll } from "./ops-core.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

if (process.argv.includes("--workerd")) {
	const port = 8794;
	const dev = spawn(
		"npx",
		["wrangler", "dev", "-c", "bench/engine/wrangler.toml", "--port", String(port), "--ip", "127.0.0.1"],
		{ cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	const stop = () => {
		try {
			process.kill(-dev.pid, "SIGTERM");
		} catch {}
	};
	process.on("exit", stop);
	const base = `http://127.0.0.1:${port}`;
	for (let i = 0; ; i++) {
		try {
			if ((await fetch(`${base}/noop`)).ok) break;
		} catch {}
		if (i > 120) throw new Error("wrangler dev did not start");
		await new Promise((r) => setTimeout(r, 500));
	}
	const get = async (path) => {
		const res = await fetch(`${base}${path}`);
		if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
		return res;
	};
	// Seconds per call of each case, from request times: reps per case so a request
	// takes >= 40 ms, the time of an empty request subtracted, best of 25 rounds.
	const timeRemote = async (count) => {
		const ms = async (c, reps) => {
			const t0 = performance.now();
			await (await get(`/run?case=${c}&reps=${reps}`)).text();
			return performance.now() - t0;
		};
		let idle = Infinity;
		for (let i = 0; i < 5; i++) idle = Math.min(idle, await ms(0, 0));
		const reps = [];
		for (let c = 0; c < count; c++) {
			let r = 1;
			while ((await ms(c, r)) < 40) r *= 2;
			reps.push(r);
		}
		const best = reps.map(() => Infinity);
		for (let round = 0; round < 25; round++) {
			for (let c = 0; c < count; c++) best[c] = Math.min(best[c], (await ms(c, reps[c])) - idle);
		}
		return best.map((b, c) => b / reps[c] / 1000);
	};
	const rows = [];
	for (let i = 0; i < GEMM_SHAPES.length; i++) {
		const set = await (await get(`/gemm?shape=${i}`)).json();
		const secs = await timeRemote(set.names.length);
		rows.push(
			gemmRow(GEMM_SHAPES[i], set.macs, Object.fromEntries(set.names.map((n, c) => [n, secs[c]])), set.int8Err),
		);
	}
	console.log("workerd (wrangler dev)");
	console.table(rows);
	const el = await (await get("/elements")).json();
	const secs = await timeRemote(el.names.length);
	console.table(el.names.map((kernel, c) => ({ kernel, "GB/s": Number((el.bytes[c] / secs[c] / 1e9).toFixed(2)) })));
	stop();
	process.exit(0);
}

const module = new WebAssembly.Module(readFileSync(join(root, "build", "kernels", "infer.wasm")));
const instance = () =>
	new WebAssembly.Instance(module, {
		env: {
			abort: () => {
				throw new Error("infer kernel abort");
			},
		},
	}).exports;
console.log(`Node ${process.version}`);
console.table(
	GEMM_SHAPES.map((shape) => {
		const set = gemmCases(instance(), shape);
		const secs = timeAll(Object.values(set.fns));
		return gemmRow(shape, set.macs, Object.fromEntries(Object.keys(set.fns).map((n, c) => [n, secs[c]])), set.int8Err);
	}),
);
const cases = elementCases(instance());
const secs = timeAll(
	cases.map((c) => c[2]),
	30,
);
console.table(cases.map(([kernel, bytes], c) => ({ kernel, "GB/s": Number((bytes / secs[c] / 1e9).toFixed(2)) })));
