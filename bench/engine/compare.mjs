// The engine against onnxruntime-web on the graphs the app ships (models/, as
// the manifest lists them: the folded float detector and classifier, the
// 8-bit recogniser, whose scheme the engine's 8-bit nodes follow), in Node:
// largest output difference, time per run of each, and (PROFILE=1) where the
// engine's time goes per op group with its GMAC/s. Inputs are seeded noise at
// the shapes the pipeline feeds (detector tile, classifier batch, recogniser
// lines); accuracy on real images is the tests' and bench/ocr's business.
// Usage: node bench/engine/compare.mjs [runs]
import "../../scripts/relaxed-simd.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { bundleForNode } from "../lib/bundle.mjs";
import { ROOT, table as tableOf } from "../lib/server.mjs";

const table = (cols, rows) => tableOf(rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]]))));

const RUNS = Number(process.argv[2] ?? 5);
const require = createRequire(join(ROOT, "package.json"));
const ort = await import(require.resolve("onnxruntime-web"));
ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

const out = join(ROOT, "bench", "out");
mkdirSync(out, { recursive: true });
const engine = await import(
	await bundleForNode(join(ROOT, "src", "ocr", "engine", "index.ts"), join(out, "engine.bundle.mjs"))
);

const manifest = JSON.parse(readFileSync(join(ROOT, "models", "manifest.json"), "utf8")).models;
const onnxOf = (name) => manifest.find((m) => m.name === name).file;
const CASES = [
	{ model: "det", dims: [1, 3, 480, 480] },
	{ model: "cls", dims: [6, 3, 48, 192] },
	{ model: "rec", dims: [1, 3, 48, 320] },
	{ model: "rec", dims: [1, 3, 48, 1280] },
];

function noise(n, seed) {
	const a = new Float32Array(n);
	let s = seed >>> 0;
	for (let i = 0; i < n; i++) {
		s = (s * 1664525 + 1013904223) >>> 0;
		a[i] = (s / 2 ** 32) * 2 - 1;
	}
	return a;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
	fn();
	const ms = [];
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		fn();
		ms.push(performance.now() - t0);
	}
	return median(ms);
}
async function timeAsync(fn) {
	await fn();
	const ms = [];
	for (let i = 0; i < RUNS; i++) {
		const t0 = performance.now();
		await fn();
		ms.push(performance.now() - t0);
	}
	return median(ms);
}

const rows = [];
const profile = new Map();
for (const c of CASES) {
	const session = await ort.InferenceSession.create(readFileSync(join(ROOT, "models", onnxOf(c.model))), {
		executionProviders: ["wasm"],
		graphOptimizationLevel: "all",
	});
	const ink = readFileSync(join(ROOT, "models", `${c.model}.ink`));
	await engine.loadModel(c.model, new Uint8Array(ink));
	const n = c.dims.reduce((a, b) => a * b, 1);
	const data = noise(n, 7);
	const feeds = { x: new ort.Tensor("float32", data, c.dims) };
	const ref = Object.values(await session.run(feeds))[0];
	const ours = Object.values(await engine.runModel(c.model, { x: { data, dims: c.dims } }))[0];
	let maxDiff = 0;
	let maxRef = 0;
	for (let i = 0; i < ref.data.length; i++) {
		maxDiff = Math.max(maxDiff, Math.abs(ref.data[i] - ours.data[i]));
		maxRef = Math.max(maxRef, Math.abs(ref.data[i]));
	}
	const ortMs = await timeAsync(() => session.run(feeds));
	const plan = engine.profileModel(c.model, process.env.PROFILE === "1");
	for (const node of plan.nodes) {
		node.ms = 0;
		node.macs = 0;
	}
	const inkMs = time(() => engine.runModel(c.model, { x: { data, dims: c.dims } }));
	// One warm-up run, then RUNS timed ones: MACs and times were summed over all.
	const macs = plan.nodes.reduce((s, nd) => s + nd.macs, 0) / (RUNS + 1);
	if (process.env.PROFILE === "1") {
		for (const node of plan.nodes) {
			const key = `${c.model} ${group(node)}`;
			const p = profile.get(key) ?? { ms: 0, macs: 0 };
			p.ms += node.ms / (RUNS + 1);
			p.macs += node.macs / (RUNS + 1);
			profile.set(key, p);
		}
	}
	rows.push([
		`${c.model} ${c.dims.join("x")}`,
		ref.dims.join("x"),
		maxDiff.toExponential(2),
		maxRef.toFixed(3),
		ortMs.toFixed(1),
		inkMs.toFixed(1),
		(inkMs / ortMs).toFixed(2),
		(macs / 1e6).toFixed(0),
		(macs / inkMs / 1e6).toFixed(2),
	]);
	await session.release();
}
await Promise.all(["det", "cls", "rec"].map((m) => engine.releaseModel(m)));
console.log(
	table(
		["case", "output", "max |diff|", "max |ref|", "ORT ms", "engine ms", "engine/ORT", "M MACs", "engine GMAC/s"],
		rows,
	),
);
if (profile.size) {
	console.log(
		table(
			["model op group", "ms per run", "M MACs", "GMAC/s"],
			[...profile].map(([k, p]) => [
				k,
				p.ms.toFixed(2),
				(p.macs / 1e6).toFixed(1),
				p.macs ? (p.macs / p.ms / 1e6).toFixed(2) : "-",
			]),
		),
	);
}

function group(node) {
	if (node.op === "Conv") {
		const [kh, kw] = node.kernel;
		const dw = node.group > 1 && node.group === node.cout;
		if (dw) return `depthwise ${kh}x${kw}`;
		if (kh * kw === 1) return "1x1 conv";
		return `dense ${kh}x${kw} conv`;
	}
	return node.op;
}
