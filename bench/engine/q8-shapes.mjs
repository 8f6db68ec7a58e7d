// The int8 conv microbenchmark shared by q8.mjs (Node) and q8.workerd.test.ts:
// the recogniser's group-1 conv shapes, timed as the float conv2d, conv8 alone,
// quantizeU8 + conv8 (the engine quantizes each 8-bit conv's input per call),
// conv7 alone and quantize7 + conv7 (7-bit input codes, the relaxed 8-bit dot). GMAC/s counts the conv's multiply-adds. `now` is the
// host's clock, `tick` whatever makes it advance (workerd moves it on I/O only).

const conv = (label, cin, h, w, cout, kh = 1, kw = 1, s = [1, 1], p = [0, 0, 0, 0]) => ({
	label,
	g: [cin, h, w, cout, kh, kw, s[0], s[1], p[0], p[1], p[2], p[3]],
});
export const SHAPES = [
	conv("1x1 480->120 @1x80", 480, 1, 80, 120),
	conv("1x1 480->480 @1x80", 480, 1, 80, 480),
	conv("1x1 120->480 @1x400", 120, 1, 400, 480),
	conv("1x1 64->128 @6x400", 64, 6, 400, 128),
	conv("1x1 32->64 @12x800", 32, 12, 800, 64),
	conv("1x1 16->32 @24x160", 16, 24, 160, 32),
	conv("1x1 SE 120->480 @1x1", 120, 1, 1, 480),
	conv("stem 3x3 s2 3->16 @48x320", 3, 48, 320, 16, 3, 3, [2, 2], [1, 1, 1, 1]),
	conv("1x3 480->60 @1x80", 480, 1, 80, 60, 1, 3, [1, 1], [0, 1, 0, 1]),
	conv("1x3 960->60 @1x80", 960, 1, 80, 60, 1, 3, [1, 1], [0, 1, 0, 1]),
];

// Every group-1 conv of the 8-bit recogniser at line widths 320 and 1280, as
// [count, cin, h, w, cout, kh, kw, sh, sw, pt, pl, pb, pr] (input shapes read off
// onnxruntime running models/ch_PP-OCRv4_rec_infer.u8.onnx on 1x3x48xW).
export const REC = {
	320: [
		[1, 3, 48, 320, 16, 3, 3, 2, 2, 1, 1, 1, 1],
		[1, 16, 24, 160, 32, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 32, 24, 160, 64, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 64, 24, 160, 64, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 64, 12, 160, 128, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 128, 12, 160, 128, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 128, 12, 80, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[4, 240, 12, 80, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 240, 1, 1, 60, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 60, 1, 1, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 240, 6, 80, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 1, 1, 120, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 120, 1, 1, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 6, 80, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[2, 480, 3, 80, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 1, 40, 60, 1, 3, 1, 1, 0, 1, 0, 1],
		[2, 60, 1, 40, 120, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 120, 1, 40, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 960, 1, 40, 60, 1, 3, 1, 1, 0, 1, 0, 1],
	],
	1280: [
		[1, 3, 48, 1280, 16, 3, 3, 2, 2, 1, 1, 1, 1],
		[1, 16, 24, 640, 32, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 32, 24, 640, 64, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 64, 24, 640, 64, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 64, 12, 640, 128, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 128, 12, 640, 128, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 128, 12, 320, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[4, 240, 12, 320, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 240, 1, 1, 60, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 60, 1, 1, 240, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 240, 6, 320, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 1, 1, 120, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 120, 1, 1, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 6, 320, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[2, 480, 3, 320, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 480, 1, 160, 60, 1, 3, 1, 1, 0, 1, 0, 1],
		[2, 60, 1, 160, 120, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 120, 1, 160, 480, 1, 1, 1, 1, 0, 0, 0, 0],
		[1, 960, 1, 160, 60, 1, 3, 1, 1, 0, 1, 0, 1],
	],
};

const outSize = ([, h, w, , kh, kw, sh, sw, pt, pl, pb, pr]) => [
	Math.floor((h + pt + pb - kh) / sh) + 1,
	Math.floor((w + pl + pr - kw) / sw) + 1,
];
function macs(g) {
	const [oh, ow] = outSize(g);
	return g[3] * oh * ow * g[0] * g[4] * g[5];
}

/** Closures running the float conv, conv8 alone, and quantizeU8 + conv8 on one shape. */
function prepare(k, g) {
	let top = k.heapBase();
	const take = (bytes) => {
		const at = (top + 63) & ~63;
		top = at + bytes;
		const have = k.memory.buffer.byteLength;
		if (top > have) k.memory.grow(Math.ceil((top - have) / 65536));
		return at;
	};
	const fill = (at, n, lo, hi) => {
		const a = new Float32Array(k.memory.buffer, at, n);
		for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * (0.5 + 0.5 * Math.sin(i * 0.37 + 1));
		return at;
	};
	const [cin, h, w, cout, kh, kw] = g;
	const [oh, ow] = outSize(g);
	const nw = cout * cin * kh * kw;
	const src = fill(take(nw * 4), nw, -0.4, 0.4);
	const bias = fill(take(cout * 4), cout, -0.5, 0.5);
	const x = fill(take(cin * h * w * 4), cin * h * w, -0.7, 2.3);
	const y = take(cout * oh * ow * 4);
	const wf = take(k.convPackedBytes(cout, cin, kh, kw, 1));
	k.convPack(src, wf, cout, cin, kh, kw, 1);
	const sf = take(k.convScratchBytes(...g, 1));
	const w8 = take(k.conv8PackedBytes(cout, cin, kh, kw));
	k.conv8Pack(src, w8, cout, cin, kh, kw);
	const q = take(cin * h * w);
	const params = take(k.q8ParamsBytes());
	const s8 = take(k.conv8ScratchBytes(8, ...g));
	k.quantizeU8(x, cin * h * w, q, params);
	const w7 = w8;
	const q7 = take(cin * h * w);
	const params7 = take(k.q8ParamsBytes());
	const s7 = take(k.conv8ScratchBytes(7, ...g));
	k.quantize7(x, cin * h * w, q7, params7);
	return {
		conv7: () => k.conv8(7, q7, params7, w7, bias, y, s7, ...g, 3, 1 / 6, 0.5),
		both7: () => {
			k.quantize7(x, cin * h * w, q7, params7);
			k.conv8(7, q7, params7, w7, bias, y, s7, ...g, 3, 1 / 6, 0.5);
		},
		float: () => k.conv2d(x, wf, bias, y, sf, ...g, 1, 3, 1 / 6, 0.5),
		conv8: () => k.conv8(8, q, params, w8, bias, y, s8, ...g, 3, 1 / 6, 0.5),
		both: () => {
			k.quantizeU8(x, cin * h * w, q, params);
			k.conv8(8, q, params, w8, bias, y, s8, ...g, 3, 1 / 6, 0.5);
		},
	};
}

/** Calls of `run` that take about `ms`. */
async function batchOf(run, ms, now, tick) {
	run();
	await tick();
	const t0 = now();
	let reps = 0;
	do {
		run();
		reps++;
		if (reps % 4 === 0) await tick();
	} while (now() - t0 < ms && reps < 100000);
	return reps;
}

/**
 * Best ms per call of each of one shape's five closures (float, conv8,
 * quantizeU8 + conv8, conv7, quantize7 + conv7), timed in interleaved rounds
 * so that load from other processes hits all alike (the best round is the
 * least disturbed).
 */
async function bestOf(r, now, tick, ms, rounds) {
	const runs = [r.float, r.conv8, r.both, r.conv7, r.both7];
	const batches = [];
	for (const run of runs) batches.push(await batchOf(run, ms, now, tick));
	const best = runs.map(() => Number.POSITIVE_INFINITY);
	for (let i = 0; i < rounds; i++) {
		for (let j = 0; j < runs.length; j++) {
			await tick();
			const t0 = now();
			for (let b = 0; b < batches[j]; b++) runs[j]();
			await tick();
			best[j] = Math.min(best[j], (now() - t0) / batches[j]);
		}
	}
	return best;
}

/**
 * Rows of { label, mmac, ms: [float, conv8, quantizeU8 + conv8, conv7, quantize7 + conv7] }: best ms per
 * call of each (bestOf).
 */
export async function runQ8(k, now, tick = async () => {}, filter = "", ms = 15, rounds = 25) {
	const rows = [];
	for (const s of SHAPES) {
		if (filter && !s.label.includes(filter)) continue;
		const best = await bestOf(prepare(k, s.g), now, tick, ms, rounds);
		rows.push({ label: s.label, mmac: macs(s.g) / 1e6, ms: best });
	}
	return rows;
}

/** Per line width: the recogniser's group-1 convs summed (each layer timed as in runQ8, times its count). */
export async function runRec(k, now, tick = async () => {}, ms = 15, rounds = 15) {
	const rows = [];
	for (const [width, layers] of Object.entries(REC)) {
		const sum = [0, 0, 0, 0, 0];
		let mmac = 0;
		for (const [count, ...g] of layers) {
			const best = await bestOf(prepare(k, g), now, tick, ms, rounds);
			best.forEach((t, j) => {
				sum[j] += t * count;
			});
			mmac += (macs(g) * count) / 1e6;
		}
		rows.push({ label: `recogniser 1x3x48x${width}: ${layers.reduce((n, l) => n + l[0], 0)} convs`, mmac, ms: sum });
	}
	return rows;
}

export function table(rows) {
	const out = [
		"| shape | MMAC | float ms | float GMAC/s | conv8 ms | conv8 GMAC/s | +quantizeU8 ms | GMAC/s | conv7 ms | conv7 GMAC/s | +quantize7 ms | GMAC/s | 7-bit / 8-bit |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
	];
	for (const r of rows) {
		const [tf, t8, tq, t7, tq7] = r.ms;
		const rate = (t) => (r.mmac / t).toFixed(2);
		out.push(
			`| ${r.label} | ${r.mmac.toFixed(2)} | ${tf.toFixed(4)} | ${rate(tf)} | ${t8.toFixed(4)} | ${rate(t8)} | ${tq.toFixed(4)} | ${rate(tq)} | ${t7.toFixed(4)} | ${rate(t7)} | ${tq7.toFixed(4)} | ${rate(tq7)} | ${(tq / tq7).toFixed(2)} |`,
		);
	}
	return out.join("\n");
}
