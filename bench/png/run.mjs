#!/usr/bin/env node
// PNG codec timings in Node, instantiating build/kernels/png.wasm directly
// (src/codecs/png bundled by esbuild; Node's DecompressionStream and
// CompressionStream are zlib as in workerd). Usage:
//   node bench/png/run.mjs [file.png ...]   (default: bench/out/png/photo.png, made from bench/intake/inputs.py)
// Prints: decode to a 1024-px long side (median of 5), a full-size decode,
// encode of a 1024x768 image, and the filter stage alone in the kernel and in
// plain JS (libpng's heuristic, the same choice), to show what the kernel buys.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../lib/bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "bench", "out", "png");
mkdirSync(out, { recursive: true });
const bundle = join(out, "codec.mjs");
const entry = `export * from ${JSON.stringify(join(root, "src/codecs/png/index.ts"))};
export { pngLastBytes, instantiate } from ${JSON.stringify(join(root, "src/codecs/png/kernel.ts"))};`;
await bundleForNode({ contents: entry, resolveDir: root }, bundle);
const png = await import(bundle);

let files = process.argv.slice(2);
if (files.length === 0) {
	const photo = join(out, "photo.png");
	if (!existsSync(photo)) {
		const ppm = join(out, "photo.ppm");
		execFileSync("/usr/bin/python3", [join(root, "bench/intake/inputs.py"), ppm, "4000", "3000"]);
		execFileSync("/usr/bin/convert", [ppm, photo]);
	}
	files = [photo];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function time(fn, reps = 5) {
	await fn();
	const ts = [];
	for (let i = 0; i < reps; i++) {
		const t = performance.now();
		await fn();
		ts.push(performance.now() - t);
	}
	return median(ts);
}

for (const file of files) {
	const bytes = new Uint8Array(readFileSync(file));
	const info = png.readPngInfo(bytes);
	const s = 1024 / Math.max(info.width, info.height);
	const ow = Math.max(1, Math.round(info.width * s));
	const oh = Math.max(1, Math.round(info.height * s));
	const small = await time(() => png.decodePng(bytes, ow, oh));
	const heapSmall = png.pngLastBytes();
	const big = await time(() => png.decodePng(bytes, info.width, info.height), 3);
	const heapBig = png.pngLastBytes();
	console.log(
		`${file}: ${info.width}x${info.height} type ${info.colorType} ${info.bitDepth}-bit${info.interlaced ? " Adam7" : ""}, ${(bytes.length / 1e6).toFixed(1)} MB`,
	);
	console.log(`  decode to ${ow}x${oh}: ${small.toFixed(0)} ms (kernel heap ${(heapSmall / 1024).toFixed(0)} KiB)`);
	console.log(`  decode full size: ${big.toFixed(0)} ms (kernel heap ${(heapBig / 1024).toFixed(0)} KiB)`);
}

// Encode: a 1024x768 preview of the first file.
const src = new Uint8Array(readFileSync(files[0]));
const preview = await png.decodePng(src, 1024, 768);
const alpha = { ...preview, data: preview.data.slice() };
for (let i = 3; i < alpha.data.length; i += 16) alpha.data[i] = 200;
for (const [name, p] of [
	["RGB", preview],
	["RGBA", alpha],
]) {
	let size = 0;
	const ms = await time(async () => {
		size = (await png.encodePng(p)).length;
	});
	console.log(`encode 1024x768 ${name}: ${ms.toFixed(1)} ms, ${size} B`);
}

// The filter stage alone: the kernel's encStrip over every row, and the same heuristic in JS.
function kernelFilter(p, ch) {
	const k = png.instantiate(() => {});
	const rows = 16;
	const input = k.encSetup(p.width, ch, rows);
	const heap = new Uint8Array(k.memory.buffer);
	const src = new Uint8Array(p.data.buffer);
	let total = 0;
	for (let y = 0; y < p.height; y += rows) {
		const n = Math.min(rows, p.height - y);
		heap.set(src.subarray(y * p.width * 4, (y + n) * p.width * 4), input);
		total += k.encStrip(n);
	}
	return total;
}
// What filter f (0-4) predicts from the left (a), upper (b) and upper-left (c) bytes.
function predict(f, a, b, c) {
	if (f === 0) return 0;
	if (f === 1) return a;
	if (f === 2) return b;
	if (f === 3) return (a + b) >> 1;
	const pa = Math.abs(b - c);
	const pb = Math.abs(a - c);
	const pc = Math.abs(a + b - 2 * c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
function jsFilter(p, ch) {
	const n = p.width * ch;
	let prev = new Uint8Array(n);
	let cur = new Uint8Array(n);
	const outRow = new Uint8Array(n + 1);
	let total = 0;
	const d = p.data;
	for (let y = 0; y < p.height; y++) {
		for (let x = 0, s = y * p.width * 4; x < p.width; x++, s += 4) {
			for (let c = 0; c < ch; c++) cur[x * ch + c] = d[s + c];
		}
		const sums = [0, 0, 0, 0, 0];
		for (let i = 0; i < n; i++) {
			const a = i >= ch ? cur[i - ch] : 0;
			const c = i >= ch ? prev[i - ch] : 0;
			for (let f = 0; f < 5; f++) {
				const v = (cur[i] - predict(f, a, prev[i], c)) & 255;
				sums[f] += v < 128 ? v : 256 - v;
			}
		}
		let best = 0;
		for (let f = 1; f < 5; f++) if (sums[f] < sums[best]) best = f;
		outRow[0] = best;
		for (let i = 0; i < n; i++) {
			const a = i >= ch ? cur[i - ch] : 0;
			const c = i >= ch ? prev[i - ch] : 0;
			outRow[i + 1] = (cur[i] - predict(best, a, prev[i], c)) & 255;
		}
		total += n + 1;
		[prev, cur] = [cur, prev];
	}
	return total;
}
const kf = await time(async () => kernelFilter(preview, 3));
const jf = await time(async () => jsFilter(preview, 3), 3);
console.log(`filter stage 1024x768 RGB: kernel ${kf.toFixed(1)} ms, JS ${jf.toFixed(1)} ms`);
