// The engines ours is compared with, run in this Node process from bench/node_modules
// (`npm run bench:setup`): @gutenye/ocr-node (PP-OCRv4 on native onnxruntime-node) and
// tesseract.js (eng + chi_sim traineddata from npm; nothing is downloaded at run time).
// Each runner reads a fixture from its file path to text, decode included, and is timed
// from outside by the caller.
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ROOT } from "../lib/server.mjs";

const require = createRequire(join(ROOT, "bench", "package.json"));

/**
 * @gutenye/ocr-node with ORT's default threads ("native") and with one thread
 * ("native1"), both created up front: [{ key, read(img) -> text, close() }].
 */
export async function nativeRunners() {
	const { default: Ocr } = await import(require.resolve("@gutenye/ocr-node"));
	const runners = [];
	for (const [key, onnxOptions] of [
		["native", {}],
		["native1", { intraOpNumThreads: 1, interOpNumThreads: 1 }],
	]) {
		const ocr = await Ocr.create({ onnxOptions });
		runners.push({
			key,
			read: async (img) => (await ocr.detect(img.path)).map((l) => l.text).join("\n"),
			close: async () => {},
		});
	}
	return runners;
}

/** tesseract.js, one worker with eng+chi_sim (4.0.0_best_int, linked under bench/out/tessdata). */
export async function tesseractRunner() {
	const { createWorker } = await import(require.resolve("tesseract.js"));
	const langDir = join(ROOT, "bench", "out", "tessdata");
	mkdirSync(langDir, { recursive: true });
	for (const lang of ["eng", "chi_sim"]) {
		const file = join(langDir, `${lang}.traineddata.gz`);
		const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
		if (!existsSync(file)) symlinkSync(join(pkg, "4.0.0_best_int", `${lang}.traineddata.gz`), file);
	}
	const tess = await createWorker(["eng", "chi_sim"], 1, { langPath: langDir, cacheMethod: "none", gzip: true });
	return {
		key: "tess",
		read: async (img) => (await tess.recognize(img.path)).data.text,
		close: () => tess.terminate(),
	};
}
