#!/usr/bin/env node
// Microbench of the engine's gemm and element-wise kernels (build/kernels/infer.wasm) in Node:
// GMAC/s per gemm shape of the recogniser, GB/s (bytes read + written) for binary/unary on 1M floats.
// Usage: node bench/engine/ops.mjs  (after node scripts/build-kernels.mjs)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const module = new WebAssembly.Module(readFileSync(join(root, "build", "kernels", "infer.wasm")));
const k = new WebAssembly.Instance(module, {
	env: {
		abort: () => {
			throw new Error("abort");
		},
	},
}).exports;

let top = k.heapBase();
function alloc(bytes) {
	const p = top;
	top = (top + bytes + 63) & ~63;
	const need = top - k.memory.buffer.byteLength;
	if (need > 0) k.memory.grow(Math.ceil(need / 65536));
	return p;
}
function fill(p, n, seed) {
	const f = new Float32Array(k.memory.buffer, p, n);
	let s = seed >>> 0;
	for (let i = 0; i < n; i++) {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		f[i] = s / 2 ** 31 - 1;
	}
}
// Seconds per call of each function: they are timed in alternating rounds
// (each >= 20 ms) and the best round counts, so other load on the machine
// slows all of them alike and spares the best.
function timeAll(fns, rounds = 15) {
	const reps = fns.map((fn) => {
		fn();
		let r = 1;
		for (;;) {
			const t0 = performance.now();
			for (let i = 0; i < r; i++) fn();
			if (performance.now() - t0 > 20) return r;
			r *= 2;
		}
	});
	const best = fns.map(() => Infinity);
	for (let round = 0; round < rounds; round++) {
		fns.forEach((fn, f) => {
			const t0 = performance.now();
			for (let i = 0; i < reps[f]; i++) fn();
			best[f] = Math.min(best[f], (performance.now() - t0) / reps[f]);
		});
	}
	return best.map((ms) => ms / 1000);
}
const time = (fn) => timeAll([fn], 7)[0];

const shapes = [
	[80, 120, 360],
	[80, 240, 120],
	[80, 120, 6625],
	[400, 120, 6625],
];
const rows = [];
for (const [M, K, N] of shapes) {
	const a = alloc(M * K * 4);
	const b = alloc(K * N * 4);
	const bias = alloc(N * 4);
	const c = alloc(M * N * 4);
	const bp = alloc(k.gemmPackedBytes(K, N));
	fill(a, M * K, 1);
	fill(b, K * N, 2);
	fill(bias, N, 3);
	k.gemmPack(b, bp, K, N);
	const macs = M * K * N;
	const fns = [() => k.gemm(a, b, bias, c, M, K, N, 0, 0, 0), () => k.gemmPacked(a, bp, bias, c, M, K, N, 0, 0, 0)];
	const names = ["gemm GMAC/s", "gemmPacked GMAC/s"];
	if (k.gemmInt8) {
		const qb = alloc(k.gemmInt8PackedBytes(K, N));
		const qa = alloc(k.quantizeRowsBytes(M, K));
		k.gemmInt8Pack(b, qb, K, N);
		k.quantizeRows(a, qa, M, K);
		fns.push(() => {
			k.quantizeRows(a, qa, M, K);
			k.gemmInt8(qa, qb, bias, c, M, K, N, 0, 0, 0);
		});
		names.push("int8 incl. quantize GMAC/s");
		fns.push(() => k.gemmInt8(qa, qb, bias, c, M, K, N, 0, 0, 0));
		names.push("int8 gemm only GMAC/s");
	}
	const row = { shape: `${M}x${K}x${N}` };
	timeAll(fns).forEach((s, f) => {
		row[names[f]] = (macs / s / 1e9).toFixed(2);
	});
	row["int8 / gemmPacked"] = fns.length > 2 ? (Number(row[names[2]]) / Number(row[names[1]])).toFixed(2) : "-";
	if (k.gemmInt8) {
		// Error of the int8 result against the float one, relative to the largest |C|.
		fns[1]();
		const ref = new Float32Array(k.memory.buffer, c, M * N).slice();
		fns[2]();
		const got = new Float32Array(k.memory.buffer, c, M * N);
		let err = 0;
		let mag = 0;
		for (let i = 0; i < M * N; i++) {
			err = Math.max(err, Math.abs(got[i] - ref[i]));
			mag = Math.max(mag, Math.abs(ref[i]));
		}
		row["int8 max err / max|C|"] = `${((100 * err) / mag).toFixed(2)} %`;
	}
	rows.push(row);
	top = k.heapBase();
}
console.table(rows);

const n = 1 << 20;
const x = alloc(n * 4);
const y = alloc(n * 4);
const z = alloc(n * 4);
fill(x, n, 4);
fill(y, n, 5);
const gbs = (bytes, fn) => (bytes / time(fn) / 1e9).toFixed(2);
const elem = [];
const names = ["add", "sub", "mul", "div"];
for (let op = 0; op < 4; op++) {
	elem.push({
		kernel: `binary ${names[op]} same shape`,
		"GB/s": gbs(n * 12, () => k.binary(op, x, y, z, 1, 1, n, 0, 0, 1, 0, 0, 1)),
	});
}
elem.push({
	kernel: "binary mul per-channel (64 x 16384)",
	"GB/s": gbs(n * 8, () => k.binary(2, x, y, z, 1, 64, n / 64, 0, n / 64, 1, 0, 1, 0)),
});
elem.push({ kernel: "binary add scalar", "GB/s": gbs(n * 8, () => k.binary(0, x, y, z, 1, 1, n, 0, 0, 1, 0, 0, 0)) });
elem.push({
	kernel: "binary add strided (n2 step 2)",
	"GB/s": gbs(n * 6, () => k.binary(0, x, y, z, 1, 1, n / 2, 0, 0, 2, 0, 0, 1)),
});
const unames = ["", "relu", "hardsigmoid", "hardswish", "sigmoid", "swish", "sqrt", "copy"];
fill(x, n, 6);
for (let op = 1; op <= 7; op++) {
	elem.push({ kernel: `unary ${unames[op]}`, "GB/s": gbs(n * 8, () => k.unary(op, x, z, n, 1 / 6, 0.5)) });
}
console.table(elem);
