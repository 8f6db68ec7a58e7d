#!/usr/bin/env node
// JPEG encoder benchmark: our encoder (src/codecs/jpeg, both modes) beside
// MozJPEG (@jsquash/jpeg as the app shipped it: baseline, jsquash's
// defaults) on the photo fixtures: size and PSNR at equal quality, our size
// at MozJPEG's PSNR, encode time; then a 12 MP frame through the strip
// pipeline (row source -> JPEG sink) with its memory. Runs in Node on the
// same wasm kernels the Worker uses (the app's TypeScript bundled by esbuild,
// each .wasm import a WebAssembly.Module), so no workerd is needed; times are
// Node's, compare the ratios. Usage: node bench/jpeg/run.mjs [runs] (default 7)
import { mkdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../lib/bundle.mjs";
import { median, table } from "../lib/server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(ROOT, "bench", "out", "jpeg");
const RUNS = Math.max(1, Number(process.argv[2] ?? 7));
const MiB = 1024 * 1024;
mkdirSync(OUT, { recursive: true });

await bundleForNode(join(HERE, "entry.ts"), join(OUT, "bundle.mjs"));
const c = await import(join(OUT, "bundle.mjs"));

const load = async (bytes) =>
	c.decodePlanned(bytes, c.planDecode(bytes, c.probeImage(bytes), Number.POSITIVE_INFINITY));
const decode = (jpg, p) => c.decodeJpeg(jpg, p.width, p.height);
const pct = (r) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`;
function sizeAt(curve, db) {
	for (let i = 1; i < curve.length; i++) {
		const [a, b] = [curve[i - 1], curve[i]];
		if ((a.db - db) * (b.db - db) <= 0 && a.db !== b.db) {
			const t = (db - a.db) / (b.db - a.db);
			return Math.exp(Math.log(a.bytes) + t * (Math.log(b.bytes) - Math.log(a.bytes)));
		}
	}
	return Number.NaN;
}
async function time(f) {
	const t = [];
	await f();
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		await f();
		t.push(performance.now() - t0);
	}
	return median(t);
}
const quiet =
	(f) =>
	async (...a) => {
		// MozJPEG prints a caution for its 16-bit tables at low quality.
		const w = process.stderr.write;
		process.stderr.write = () => true;
		try {
			return await f(...a);
		} finally {
			process.stderr.write = w;
		}
	};
const moz = quiet(c.mozjpegEncodeReference);

// A 12 MP photo-like frame: the fixtures as mirrored bricks with sensor-like noise (deterministic).
function cameraFrame(w, h) {
	const data = new Uint8ClampedArray(w * h * 4);
	const tiles = Object.values(photos);
	let s = 12345;
	const rnd = () => {
		s = (Math.imul(s, 1103515245) + 12345) >>> 0;
		return s / 4294967296;
	};
	for (let y = 0; y < h; y++) {
		const course = Math.floor(y / 400);
		for (let x = 0; x < w; x++) {
			const shifted = x + course * 173;
			const t = tiles[(Math.floor(shifted / 400) + course) % 3];
			const tx = shifted % 400;
			const sx = course % 2 ? t.width - 1 - (tx % t.width) : tx % t.width;
			const sy = (y % 400) % t.height;
			const i = (sy * t.width + sx) * 4;
			const o = (y * w + x) * 4;
			const n = (rnd() + rnd() + rnd() - 1.5) * 12;
			for (let k = 0; k < 3; k++) data[o + k] = 14 + (t.data[i + k] * 224) / 255 + n;
			data[o + 3] = 255;
		}
	}
	return { data, width: w, height: h };
}
console.log(`JPEG encoder vs MozJPEG, ${new Date().toISOString()}, load ${loadavg()[0].toFixed(2)}, median of ${RUNS}`);
const QS = [50, 75, 85, 95];
const rows = [];
const ratios = { q: [], p: [] };
const photos = {};
for (const name of ["apple", "orange", "tools"]) {
	photos[name] = await load(new Uint8Array(readFileSync(join(ROOT, "test", "fixtures", "npr", `${name}.input.png`))));
}
// Also a 1600x1200 piece of the 12 MP camera-like frame below (the fixtures as noisy bricks).
const sized = { ...photos, "camera crop": cameraFrame(1600, 1200) };
for (const [name, px] of Object.entries(sized)) {
	const curve = [];
	for (let q = 20; q <= 100; q += q >= 90 ? 1 : 2) {
		const j = c.encodeJpeg(px, q);
		curve.push({ db: c.psnr(decode(j, px), px), bytes: j.length });
	}
	for (const q of QS) {
		const ours = c.encodeJpeg(px, q);
		const exact = c.encodeJpeg(px, q, "libjpeg");
		const mz = await moz(px, q);
		const [po, pe, pm] = [ours, exact, mz].map((j) => c.psnr(decode(j, px), px));
		const at = sizeAt(curve, pm);
		ratios.q.push(ours.length / mz.length);
		ratios.p.push(at / mz.length);
		rows.push({
			photo: name,
			q,
			"ours B": ours.length,
			"ours dB": po.toFixed(2),
			"moz B": mz.length,
			"moz dB": pm.toFixed(2),
			"size, equal q": pct(ours.length / mz.length),
			"size, equal PSNR": pct(at / mz.length),
			"libjpeg-mode B": exact.length,
			"libjpeg dB": pe.toFixed(2),
			"libjpeg, equal q": pct(exact.length / mz.length),
		});
	}
}
console.log(
	`\nSize and PSNR (RGB, decoded by our decoder) at equal quality; "equal PSNR" is our compact size interpolated on our q20-100 curve at MozJPEG's PSNR`,
);
console.log(table(rows));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
	`compact vs MozJPEG: equal q mean ${pct(mean(ratios.q))}, worst ${pct(Math.max(...ratios.q))}; equal PSNR mean ${pct(mean(ratios.p))}, worst ${pct(Math.max(...ratios.p))}`,
);

const frame = cameraFrame(4000, 3000);
const timeRows = [];
for (const [name, px] of [...Object.entries(photos), ["camera 12 MP", frame]]) {
	for (const q of name.startsWith("camera") ? [75, 90] : [85]) {
		const ours = await time(() => c.encodeJpeg(px, q));
		const exact = await time(() => c.encodeJpeg(px, q, "libjpeg"));
		const mz = await time(() => moz(px, q));
		const [a, b] = [c.encodeJpeg(px, q), await moz(px, q)];
		timeRows.push({
			image: name,
			size: `${px.width}x${px.height}`,
			q,
			"compact ms": ours.toFixed(1),
			"libjpeg ms": exact.toFixed(1),
			"moz ms": mz.toFixed(1),
			"compact/moz": (ours / mz).toFixed(2),
			"compact/libjpeg": (ours / exact).toFixed(2),
			"compact KiB": (a.length / 1024).toFixed(0),
			"moz KiB": (b.length / 1024).toFixed(0),
			"compact dB": c.psnr(decode(a, px), px).toFixed(2),
			"moz dB": c.psnr(decode(b, px), px).toFixed(2),
		});
	}
}
console.log("\nEncode time (whole frame in, file out; MozJPEG's includes its instantiation, as in the app before)");
console.log(table(timeRows));

// The strip pipeline at 12 MP: a baseline JPEG of the frame decoded as a row source, re-encoded by the JPEG sink.
const upload = c.encodeJpeg(frame, 90);
const plan = c.planDecode(upload, c.probeImage(upload), Number.POSITIVE_INFINITY);
const pipeRows = [];
for (const q of [75, 85, 95]) {
	let strip = 0;
	const t0 = performance.now();
	const source = c.openRowSource(upload, plan);
	const out = await c.pump(source, c.openRowSink("jpeg", plan.width, plan.height, { quality: q }), 16, (s) => {
		strip = Math.max(strip, s.data.byteLength);
		return s;
	});
	const ms = performance.now() - t0;
	const dec = c.jpegLastHeapBytes();
	const enc = c.jpegEncodeLastBytes();
	const total = dec + source.heldBytes + strip + enc;
	pipeRows.push({
		q,
		"decode heap MiB": (dec / MiB).toFixed(2),
		"row queue MiB": (source.heldBytes / MiB).toFixed(2),
		"strip MiB": (strip / MiB).toFixed(2),
		"sink heap MiB": (enc / MiB).toFixed(2),
		"sink estimate MiB": (c.jpegSinkBytes(plan.width, plan.height) / MiB).toFixed(2),
		"total MiB": (total / MiB).toFixed(2),
		"frame MiB": ((plan.width * plan.height * 4) / MiB).toFixed(1),
		"output MiB": (out.length / MiB).toFixed(2),
		ms: ms.toFixed(0),
	});
}
console.log(
	`\n12 MP strip pipeline: a ${(upload.length / MiB).toFixed(1)} MiB baseline JPEG of the frame -> openRowSource (16-row strips) -> JPEG sink; memory besides the upload and the output`,
);
console.log(table(pipeRows));
