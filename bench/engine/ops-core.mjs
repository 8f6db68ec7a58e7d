// The cases of bench/engine/ops.mjs, shared by its Node run and its workerd
// run (worker.mjs): gemm per recogniser shape (float, packed, int8) with the
// int8 error against float, and binary/unary over 1M floats. `k` is an
// instance's exports.

export const GEMM_SHAPES = [
	[80, 120, 360],
	[80, 240, 120],
	[80, 120, 6625],
	[400, 120, 6625],
];

function heap(k) {
	let top = k.heapBase();
	return (bytes) => {
		const p = top;
		top = (top + bytes + 63) & ~63;
		const need = top - k.memory.buffer.byteLength;
		if (need > 0) k.memory.grow(Math.ceil(need / 65536));
		return p;
	};
}

function fill(k, p, n, seed) {
	const f = new Float32Array(k.memory.buffer, p, n);
	let s = seed >>> 0;
	for (let i = 0; i < n; i++) {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		f[i] = s / 2 ** 31 - 1;
	}
}

// Seconds per call of each function: timed in many short alternating rounds
// (each about `ms`) and the best round counts, so on a loaded machine some
// round of each still runs undisturbed. `now` is the host's clock, `tick`
// whatever makes it advance (workerd moves it on I/O only).
export async function timeAll(fns, { now, tick, ms = 5, rounds = 60 }) {
	const reps = [];
	for (const fn of fns) {
		fn();
		await tick();
		const t0 = now();
		let r = 0;
		do {
			fn();
			r++;
			if (r % 4 === 0) await tick();
		} while (now() - t0 < ms && r < 100000);
		reps.push(r);
	}
	const best = fns.map(() => Infinity);
	for (let round = 0; round < rounds; round++) {
		for (let f = 0; f < fns.length; f++) {
			await tick();
			const t0 = now();
			for (let i = 0; i < reps[f]; i++) fns[f]();
			await tick();
			// A coarse clock can miss a whole round; such a round says nothing.
			const dt = now() - t0;
			if (dt > 0) best[f] = Math.min(best[f], dt / reps[f]);
		}
	}
	return best.map((t) => t / 1000);
}

/** One gemm shape set up in a fresh instance: the variants to time, the MACs of
 * a call, and the int8 error against float (relative to the largest |C|). */
export function gemmCases(k, [M, K, N]) {
	const alloc = heap(k);
	const a = alloc(M * K * 4);
	const b = alloc(K * N * 4);
	const bias = alloc(N * 4);
	const c = alloc(M * N * 4);
	const bp = alloc(k.gemmPackedBytes(K, N));
	const qb = alloc(k.conv8PackedBytes(N, K, 1, 1));
	const scratch = alloc(k.linear8ScratchBytes(M, K));
	fill(k, a, M * K, 1);
	fill(k, b, K * N, 2);
	fill(k, bias, N, 3);
	k.gemmPack(b, bp, K, N);
	k.linear8Pack(b, qb, K, N);
	const fns = {
		gemm: () => k.gemm(a, b, bias, c, M, K, N, 0, 0, 0),
		gemmPacked: () => k.gemmPacked(a, bp, bias, c, M, K, N, 0, 0, 0),
		// linear8 quantizes A in every call, as the engine's 8-bit Gemm node does.
		"int8 + quantize": () => k.linear8(a, M, K, qb, bias, c, N, scratch, 0, 0, 0),
	};
	fns.gemmPacked();
	const ref = new Float32Array(k.memory.buffer, c, M * N).slice();
	fns["int8 + quantize"]();
	const got = new Float32Array(k.memory.buffer, c, M * N);
	let err = 0;
	let mag = 0;
	for (let i = 0; i < M * N; i++) {
		err = Math.max(err, Math.abs(got[i] - ref[i]));
		mag = Math.max(mag, Math.abs(ref[i]));
	}
	return { fns, macs: M * K * N, int8Err: err / mag };
}

/** A table row from seconds per call of each gemm variant. */
export function gemmRow(shape, macs, secs, int8Err) {
	const row = { shape: shape.join("x") };
	for (const [name, s] of Object.entries(secs)) row[`${name} GMAC/s`] = Number((macs / s / 1e9).toFixed(2));
	row["int8+q / packed"] = Number((secs.gemmPacked / secs["int8 + quantize"]).toFixed(2));
	row["int8 max err, % of max abs C"] = `${(100 * int8Err).toFixed(2)} %`;
	return row;
}

/** The element-wise cases on 1M floats (3 buffers of 4 MiB) and the CTC softmax:
 * name, bytes moved, call. */
export function elementCases(k) {
	const alloc = heap(k);
	const n = 1 << 20;
	const x = alloc(n * 4);
	const y = alloc(n * 4);
	const z = alloc(n * 4);
	fill(k, x, n, 4);
	fill(k, y, n, 5);
	// sqrt reads y, made non-negative.
	const f = new Float32Array(k.memory.buffer, y, n);
	for (let i = 0; i < n; i++) f[i] = Math.abs(f[i]);
	const cases = [];
	const names = ["add", "sub", "mul", "div"];
	for (let op = 0; op < 4; op++) {
		cases.push([`binary ${names[op]} same shape`, n * 12, () => k.binary(op, x, y, z, 1, 1, n, 0, 0, 1, 0, 0, 1)]);
	}
	const hw = n / 64;
	cases.push(["binary mul per-channel (64 x 16384)", n * 8, () => k.binary(2, x, y, z, 1, 64, hw, 0, hw, 1, 0, 1, 0)]);
	cases.push(["binary add scalar", n * 8, () => k.binary(0, x, y, z, 1, 1, n, 0, 0, 1, 0, 0, 0)]);
	cases.push(["binary add strided (a step 2)", n * 6, () => k.binary(0, x, y, z, 1, 1, n / 2, 0, 0, 2, 0, 0, 1)]);
	// The CTC head's output: 160 steps (a 1280-pixel line) of 6625 classes, in x and y.
	cases.push(["softmax 160 x 6625 (counted as 8 B/float)", 160 * 6625 * 8, () => k.softmax(x, z, 160, 6625)]);
	const unames = ["", "relu", "hardsigmoid", "hardswish", "sigmoid", "swish", "sqrt", "copy", "affine"];
	for (let op = 1; op <= 8; op++) {
		cases.push([`unary ${unames[op]}`, n * 8, () => k.unary(op, op === 6 ? y : x, z, n, 1 / 6, 0.5)]);
	}
	return cases;
}

/** Both tables; `instance()` makes a fresh kernel instance per group of cases. */
export async function runOps(instance, clock) {
	const gemm = [];
	for (const shape of GEMM_SHAPES) {
		const set = gemmCases(instance(), shape);
		const secs = await timeAll(Object.values(set.fns), clock);
		gemm.push(
			gemmRow(shape, set.macs, Object.fromEntries(Object.keys(set.fns).map((n, c) => [n, secs[c]])), set.int8Err),
		);
	}
	const cases = elementCases(instance());
	const secs = await timeAll(
		cases.map((c) => c[2]),
		{ ...clock, rounds: 30 },
	);
	const elements = cases.map(([kernel, bytes], c) => ({ kernel, "GB/s": Number((bytes / secs[c] / 1e9).toFixed(2)) }));
	return { gemm, elements };
}

/** Rows of objects as a Markdown table (workerd has no console.table). */
export function markdown(rows) {
	const keys = Object.keys(rows[0]);
	const line = (cells) => `| ${cells.join(" | ")} |`;
	return [line(keys), line(keys.map(() => "---")), ...rows.map((r) => line(keys.map((k) => String(r[k]))))].join("\n");
}
