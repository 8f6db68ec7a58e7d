// Conv shapes of the PP-OCR graphs timed by kernels.mjs (Node) and
// kernels.workerd.test.ts (workerd). One timing loop for both: `now` is the
// host's clock, `tick` whatever makes that clock advance (workerd only moves
// it on I/O).

// Activation of every timed call: hardswish, the most common one in these graphs.
export const opts = { act: 3 };
const conv = (label, cin, h, w, cout, kh, kw, s, p, group = 1) => ({
	label,
	kind: "conv",
	g: [cin, h, w, cout, kh, kw, s[0], s[1], p[0], p[1], p[2], p[3], group],
});

export const SHAPES = [
	conv("1x1 96->96 @120x120", 96, 120, 120, 96, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 24->96 @120x120", 24, 120, 120, 96, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 16->32 @240x240", 16, 240, 240, 32, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 480->120 @1x80", 480, 1, 80, 120, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 480->120 @6x80", 480, 6, 80, 120, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 480->480 @3x80", 480, 3, 80, 480, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 240->240 @6x160", 240, 6, 160, 240, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("1x1 SE 480->120 @1x1", 480, 1, 1, 120, 1, 1, [1, 1], [0, 0, 0, 0]),
	conv("dw 5x5 s1 240ch @6x80", 240, 6, 80, 240, 5, 5, [1, 1], [2, 2, 2, 2], 240),
	conv("dw 5x5 s1 240ch @6x160", 240, 6, 160, 240, 5, 5, [1, 1], [2, 2, 2, 2], 240),
	conv("dw 5x5 s1 480ch @3x80", 480, 3, 80, 480, 5, 5, [1, 1], [2, 2, 2, 2], 480),
	conv("dw 5x5 s2x1 480ch @6x80", 480, 6, 80, 480, 5, 5, [2, 1], [2, 2, 2, 2], 480),
	conv("dw 3x3 s1 32ch @120x120", 32, 120, 120, 32, 3, 3, [1, 1], [1, 1, 1, 1], 32),
	conv("dw 3x3 s2 32ch @120x120", 32, 120, 120, 32, 3, 3, [2, 2], [1, 1, 1, 1], 32),
	conv("dw 5x5 s2 96ch @60x60", 96, 60, 60, 96, 5, 5, [2, 2], [2, 2, 2, 2], 96),
	conv("dw 3x3 s2x1 120ch @12x80", 120, 12, 80, 120, 3, 3, [2, 1], [1, 1, 1, 1], 120),
	conv("3x3 s1 96->24 @120x120", 96, 120, 120, 24, 3, 3, [1, 1], [1, 1, 1, 1]),
	conv("3x3 s1 24->24 @120x120", 24, 120, 120, 24, 3, 3, [1, 1], [1, 1, 1, 1]),
	conv("3x3 s1 24->6 @120x120", 24, 120, 120, 6, 3, 3, [1, 1], [1, 1, 1, 1]),
	conv("3x3 s1 96->24 @15x15", 96, 15, 15, 24, 3, 3, [1, 1], [1, 1, 1, 1]),
	conv("stem 3x3 s2 3->16 @480x480", 3, 480, 480, 16, 3, 3, [2, 2], [1, 1, 1, 1]),
	conv("1x3 960->60 @1x40", 960, 1, 40, 60, 1, 3, [1, 1], [0, 1, 0, 1]),
	{ label: "convT 2x2 24->24 @120x120", kind: "convT", g: [24, 120, 120, 24, 2, 2] },
];

export function macs(s) {
	const g = s.g;
	if (s.kind === "convT") return g[0] * g[1] * g[2] * g[3] * g[4] * g[5];
	const [cin, h, w, cout, kh, kw, sh, sw, pt, pl, pb, pr, group] = g;
	const oh = Math.floor((h + pt + pb - kh) / sh) + 1;
	const ow = Math.floor((w + pl + pr - kw) / sw) + 1;
	return cout * oh * ow * (cin / group) * kh * kw;
}

function outFloats(s) {
	const g = s.g;
	if (s.kind === "convT") return g[3] * g[1] * g[4] * g[2] * g[5];
	const [, h, w, cout, kh, kw, sh, sw, pt, pl, pb, pr] = g;
	return cout * (Math.floor((h + pt + pb - kh) / sh) + 1) * (Math.floor((w + pl + pr - kw) / sw) + 1);
}

/** Places one shape's buffers above heapBase and returns a closure running it
 * once. `k`: a kernel instance's exports, or { k, act } to override the activation. */
function prepare(inst, s) {
	const k = inst.k ?? inst;
	const act = inst.act ?? opts.act;
	let top = k.heapBase();
	const take = (bytes) => {
		const at = (top + 63) & ~63;
		top = at + bytes;
		const have = k.memory.buffer.byteLength;
		if (top > have) k.memory.grow(Math.ceil((top - have) / 65536));
		return at;
	};
	const fill = (at, n) => {
		const a = new Float32Array(k.memory.buffer, at, n);
		for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37) * 0.5;
	};
	const g = s.g;
	if (s.kind === "convT") {
		const [cin, h, w, cout, kh, kw] = g;
		const src = take(cin * cout * kh * kw * 4);
		fill(src, cin * cout * kh * kw);
		const wp = take(k.convTransposePackedBytes(cin, cout, kh, kw));
		k.convTransposePack(src, wp, cin, cout, kh, kw);
		const bias = take(cout * 4);
		fill(bias, cout);
		const x = take(cin * h * w * 4);
		fill(x, cin * h * w);
		const y = take(outFloats(s) * 4);
		return () => k.convTranspose2d(x, wp, bias, y, cin, h, w, cout, kh, kw, act, 1 / 6, 0.5);
	}
	const [cin, h, w, cout, kh, kw, , , , , , , group] = g;
	const n = cout * (cin / group) * kh * kw;
	const src = take(n * 4);
	fill(src, n);
	const wp = take(k.convPackedBytes(cout, cin / group, kh, kw, group));
	k.convPack(src, wp, cout, cin / group, kh, kw, group);
	const bias = take(cout * 4);
	fill(bias, cout);
	const scratch = take(k.convScratchBytes(...g));
	const x = take(cin * h * w * 4);
	fill(x, cin * h * w);
	const y = take(outFloats(s) * 4);
	return () => k.conv2d(x, wp, bias, y, scratch, ...g, act, 1 / 6, 0.5);
}

/** GMAC/s of every shape in every kernel instance: the fastest of many short
 * timed units (about `unitMs` each; on a shared machine the minimum of short
 * runs is what survives other processes), instances alternating unit by unit
 * so their ratio is measured side by side under the same load. */
export async function runAll(ks, now, tick = async () => {}, unitMs = 2, budgetMs = 400, warmMs = 100) {
	const rows = [];
	for (const s of SHAPES) {
		const runs = ks.map((k) => prepare(k, s));
		const m = macs(s);
		// Warm-up: long enough for every instance's loops to tier up (on a
		// loaded machine the optimising compiler may take a while).
		for (const run of runs) {
			const w0 = now();
			do {
				run();
				await tick();
			} while (now() - w0 < warmMs);
		}
		await tick();
		let t0 = now();
		let reps = 0;
		do {
			runs[0]();
			reps++;
			await tick();
		} while (now() - t0 < 20);
		const batch = Math.max(1, Math.round((reps * unitMs) / Math.max(1e-3, now() - t0)));
		const best = runs.map(() => Number.POSITIVE_INFINITY);
		const start = now();
		do {
			for (let j = 0; j < runs.length; j++) {
				await tick();
				t0 = now();
				for (let i = 0; i < batch; i++) runs[j]();
				await tick();
				// A coarse clock (workerd's) may not move over a short unit.
				const dt = now() - t0;
				if (dt > 0) best[j] = Math.min(best[j], dt / batch);
			}
		} while (now() - start < budgetMs * runs.length);
		rows.push({ shape: s.label, mmac: m / 1e6, ms: best, gmacs: best.map((b) => m / b / 1e6) });
	}
	return rows;
}

export function table(rows, names = ["GMAC/s"]) {
	const out = [`| shape | MMAC | ms | ${names.join(" | ")} |`, `|---|---:|---:|${names.map(() => "---:").join("|")}|`];
	for (const r of rows) {
		const g = r.gmacs.map((v) => v.toFixed(2)).join(" | ");
		out.push(`| ${r.shape} | ${r.mmac.toFixed(1)} | ${r.ms[0].toFixed(3)} | ${g} |`);
	}
	return out.join("\n");
}
