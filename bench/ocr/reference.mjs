// The engines ours is compared with, run in this Node process from bench/node_modules
// (`npm run bench:setup`): @gutenye/ocr-node (PP-OCRv4 on native onnxruntime-node) and
// tesseract.js (eng + chi_sim traineddata from npm; nothing is downloaded at run time).
// Each is timed from file path to text, decode included.
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { percentile, ROOT } from "../lib/server.mjs";

const require = createRequire(join(ROOT, "bench", "package.json"));

async function timed(fn) {
	const t0 = performance.now();
	const out = await fn();
	return { ms: performance.now() - t0, out };
}

/** One warm-up call, then `runs` timed calls. */
export async function repeat(fn, runs) {
	await fn();
	const out = [];
	for (let i = 0; i < runs; i++) out.push(await timed(fn));
	return out;
}

function summary(runs, text) {
	const ms = runs.map((r) => r.ms);
	return { p50: percentile(ms, 50), p95: percentile(ms, 95), text };
}

/**
 * @gutenye/ocr-node with ORT's default threads ("native") and with one thread
 * ("native1"): { key: { image name: { p50, p95, text } } }.
 */
export async function runNative(images, runs) {
	const { default: Ocr } = await import(require.resolve("@gutenye/ocr-node"));
	const out = {};
	for (const [key, onnxOptions] of [
		["native", {}],
		["native1", { intraOpNumThreads: 1, interOpNumThreads: 1 }],
	]) {
		const ocr = await Ocr.create({ onnxOptions });
		out[key] = {};
		for (const img of images) {
			const timedRuns = await repeat(() => ocr.detect(img.path), runs);
			out[key][img.name] = summary(timedRuns, timedRuns[0].out.map((l) => l.text).join("\n"));
		}
	}
	return out;
}

/** tesseract.js, one worker with eng+chi_sim (4.0.0_best_int, linked under bench/out/tessdata). */
export async function runTesseract(images, runs) {
	const { createWorker } = await import(require.resolve("tesseract.js"));
	const langDir = join(ROOT, "bench", "out", "tessdata");
	mkdirSync(langDir, { recursive: true });
	for (const lang of ["eng", "chi_sim"]) {
		const file = join(langDir, `${lang}.traineddata.gz`);
		const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
		if (!existsSync(file)) symlinkSync(join(pkg, "4.0.0_best_int", `${lang}.traineddata.gz`), file);
	}
	const tess = await createWorker(["eng", "chi_sim"], 1, { langPath: langDir, cacheMethod: "none", gzip: true });
	const out = {};
	try {
		for (const img of images) {
			const timedRuns = await repeat(() => tess.recognize(img.path), runs);
			out[img.name] = summary(timedRuns, timedRuns[0].out.data.text);
		}
	} finally {
		await tess.terminate();
	}
	return out;
}
