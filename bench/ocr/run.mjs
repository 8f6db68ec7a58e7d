// OCR benchmark: our pipeline inside workerd (wrangler dev with the bench
// Worker in this folder) against @gutenye/ocr-node (the same PP-OCRv4 models on
// native onnxruntime-node) and tesseract.js (eng + chi_sim traineddata from
// npm), on the OCR fixtures, in one run. Engines run one after another so they
// never compete for the CPU. Usage: node bench/ocr/run.mjs [runs]; with
// BENCH_OURS_ONLY=1 only our pipeline runs (no bench:setup needed).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { percentile, ROOT, table } from "../lib/server.mjs";

const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
const OURS_ONLY = process.env.BENCH_OURS_ONLY === "1";
const PORT = 8797;
const FIXTURES = join(ROOT, "test", "fixtures", "ocr");
const require = createRequire(join(ROOT, "bench", "package.json"));

const images = readdirSync(FIXTURES)
	.filter((f) => /\.(png|jpg)$/.test(f))
	.sort()
	.map((file) => {
		const name = file.replace(/\.(png|jpg)$/, "");
		return {
			name,
			path: join(FIXTURES, file),
			bytes: readFileSync(join(FIXTURES, file)),
			truth: readFileSync(join(FIXTURES, `${name}.gt.txt`), "utf8"),
		};
	});

async function timed(fn) {
	const t0 = performance.now();
	const out = await fn();
	return { ms: performance.now() - t0, out };
}

/** One warm-up call, then RUNS timed calls; returns the per-run results and the last output. */
async function repeat(fn) {
	await fn();
	const runs = [];
	for (let i = 0; i < RUNS; i++) runs.push(await timed(fn));
	return runs;
}

async function startWorker() {
	const child = spawn(
		"npx",
		[
			"wrangler",
			"dev",
			"-c",
			"bench/ocr/wrangler.toml",
			"--port",
			String(PORT),
			"--ip",
			"127.0.0.1",
			"--log-level",
			"warn",
		],
		{
			cwd: ROOT,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	let log = "";
	child.stdout.on("data", (d) => (log += d));
	child.stderr.on("data", (d) => (log += d));
	const url = `http://127.0.0.1:${PORT}`;
	const deadline = Date.now() + 90_000;
	for (;;) {
		try {
			if ((await fetch(`${url}/health`)).ok) break;
		} catch {}
		if (Date.now() > deadline || child.exitCode !== null)
			throw new Error(`bench worker did not start:\n${log.slice(-2000)}`);
		await new Promise((r) => setTimeout(r, 250));
	}
	const stop = () => {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {}
	};
	return { url, stop };
}

/**
 * POST to the bench Worker. wrangler dev reloads the Worker when a source file
 * it bundles changes (other work in the tree), failing the request in flight:
 * wait and retry, so one reload does not end the run. A retried call is
 * reported, and timings come from the Worker itself.
 */
async function call(url, init) {
	for (let attempt = 1; ; attempt++) {
		const res = await fetch(url, init);
		const body = await res.text();
		if (res.ok) return JSON.parse(body);
		if (attempt === 4) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
		console.log(`  (${url} answered ${res.status} ${body.slice(0, 120)}; the Worker was probably reloaded, retrying)`);
		await new Promise((r) => setTimeout(r, 3000));
	}
}

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : "-");
const pct = (x) => `${(x * 100).toFixed(1)}%`;

async function main() {
	const worker = await startWorker();
	const score = async (hypothesis, reference) =>
		call(`${worker.url}/cer`, { method: "POST", body: JSON.stringify({ hypothesis, reference }) });
	const results = Object.fromEntries(images.map((img) => [img.name, {}]));
	try {
		const load = await call(`${worker.url}/load`);
		console.log(`workerd: models loaded in ${fmt(load.ms)} ms (wasm ${(load.wasmBytes / 2 ** 20).toFixed(1)} MiB)`);
		let peak = 0;
		for (const img of images) {
			const post = () => call(`${worker.url}/run`, { method: "POST", body: img.bytes });
			const runs = await repeat(post);
			const server = runs.map((r) => r.out);
			peak = Math.max(peak, ...server.map((s) => s.wasmPeak));
			const stage = (k) =>
				percentile(
					server.map((s) => s.timings[k]),
					50,
				);
			results[img.name].ours = {
				p50: percentile(
					server.map((s) => s.timings.e2e),
					50,
				),
				p95: percentile(
					server.map((s) => s.timings.e2e),
					95,
				),
				stages: ["decode", "det", "cls", "rec", "post"].map(stage),
				cer: await score(server[0].text, img.truth),
				empty: server[0].text.trim() === "",
			};
		}
		console.log(`workerd: peak ORT wasm memory over the fixtures ${(peak / 2 ** 20).toFixed(1)} MiB`);
		// Large inputs: fixtures enlarged inside the Worker to a 2048-px long side (the route's intake cap).
		for (const name of ["dev_en_receipt_01", "dev_en_para_02"]) {
			const img = images.find((i) => i.name === name);
			const probe = await call(`${worker.url}/run`, { method: "POST", body: img.bytes });
			const scale = 2048 / Math.max(probe.width, probe.height);
			const big = await call(`${worker.url}/run?scale=${scale}`, { method: "POST", body: img.bytes });
			const c = await score(big.text, img.truth);
			console.log(
				`workerd: ${name} enlarged to ${big.width}x${big.height}: ${fmt(big.timings.e2e)} ms (det ${fmt(big.timings.det)}, rec ${fmt(big.timings.rec)}), CER ${pct(c.cer)}, peak wasm ${(big.wasmPeak / 2 ** 20).toFixed(1)} MiB`,
			);
		}

		// Words and page orientation: the words stage's share of each upright read, and every fixture
		// turned a quarter (read twice: as it lies, then turned) against the same fixture upright.
		let wordsMs = 0;
		let uprightMs = 0;
		let turnedMs = 0;
		let turnedRight = 0;
		for (const img of images) {
			const upright = await repeat(() => call(`${worker.url}/run`, { method: "POST", body: img.bytes }));
			const turned = await repeat(() => call(`${worker.url}/run?turn=90`, { method: "POST", body: img.bytes }));
			wordsMs += percentile(
				upright.map((r) => r.out.timings.words),
				50,
			);
			uprightMs += percentile(
				upright.map((r) => r.out.timings.e2e),
				50,
			);
			turnedMs += percentile(
				turned.map((r) => r.out.timings.e2e),
				50,
			);
			if (turned[0].out.orientation === 270) turnedRight++;
		}
		console.log(
			`workerd: words ${wordsMs.toFixed(2)} ms of ${fmt(uprightMs)} ms over the upright fixtures (${pct(wordsMs / uprightMs)}); turned 90 degrees: ${fmt(turnedMs)} ms, ${(turnedMs / uprightMs).toFixed(2)}x upright, orientation 270 found on ${turnedRight} of ${images.length}`,
		);
		if (OURS_ONLY) return;

		const { default: Ocr } = await import(require.resolve("@gutenye/ocr-node"));
		for (const [key, onnxOptions] of [
			["native", {}],
			["native1", { intraOpNumThreads: 1, interOpNumThreads: 1 }],
		]) {
			const ocr = await Ocr.create({ onnxOptions });
			for (const img of images) {
				const runs = await repeat(() => ocr.detect(img.path));
				const text = runs[0].out.map((l) => l.text).join("\n");
				const ms = runs.map((r) => r.ms);
				results[img.name][key] = {
					p50: percentile(ms, 50),
					p95: percentile(ms, 95),
					cer: await score(text, img.truth),
					empty: text.trim() === "",
				};
			}
		}

		const { createWorker } = await import(require.resolve("tesseract.js"));
		const langDir = join(ROOT, "bench", "out", "tessdata");
		mkdirSync(langDir, { recursive: true });
		for (const lang of ["eng", "chi_sim"]) {
			const file = join(langDir, `${lang}.traineddata.gz`);
			const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
			if (!existsSync(file)) symlinkSync(join(pkg, "4.0.0_best_int", `${lang}.traineddata.gz`), file);
		}
		const tess = await createWorker(["eng", "chi_sim"], 1, { langPath: langDir, cacheMethod: "none", gzip: true });
		for (const img of images) {
			const runs = await repeat(() => tess.recognize(img.path));
			const ms = runs.map((r) => r.ms);
			const text = runs[0].out.data.text;
			results[img.name].tess = {
				p50: percentile(ms, 50),
				p95: percentile(ms, 95),
				cer: await score(text, img.truth),
				empty: text.trim() === "",
			};
		}
		await tess.terminate();
	} finally {
		worker.stop();
	}

	const rows = images.map(({ name }) => {
		const r = results[name];
		const [decode, det, cls, rec, post] = r.ours.stages;
		return {
			image: name,
			"ours p50": fmt(r.ours.p50),
			p95: fmt(r.ours.p95),
			decode: fmt(decode),
			det: fmt(det),
			cls: fmt(cls),
			rec: fmt(rec),
			post: fmt(post),
			"native p50": fmt(r.native.p50),
			"p95 ": fmt(r.native.p95),
			"native 1t p50": fmt(r.native1.p50),
			"tess.js p50": fmt(r.tess.p50),
			" p95": fmt(r.tess.p95),
			"CER ours": pct(r.ours.cer.cer),
			"CER native": pct(r.native.cer.cer),
			"CER tess.js": pct(r.tess.cer.cer),
		};
	});
	const sum = (k) => images.reduce((s, { name }) => s + results[name][k].p50, 0);
	const pooled = (k) => {
		const all = images.map(({ name }) => results[name][k].cer);
		return all.reduce((s, x) => s + x.errors, 0) / all.reduce((s, x) => s + x.length, 0);
	};
	const empty = (k) => images.filter(({ name }) => results[name][k].empty).length;
	console.log(`\nOCR, ${RUNS} timed runs per image after one warm-up (ms; CER = edits / reference chars)\n`);
	console.log(table(rows));
	console.log("");
	console.log(
		table(
			[
				["ours (workerd, wasm, 1 thread)", "ours"],
				["@gutenye/ocr-node (native ORT, default threads)", "native"],
				["@gutenye/ocr-node (native ORT, 1 thread)", "native1"],
				["tesseract.js eng+chi_sim", "tess"],
			].map(([engine, k]) => ({
				engine,
				"sum of p50 ms": fmt(sum(k)),
				"ratio ours/engine": (sum("ours") / sum(k)).toFixed(2),
				"overall CER": pct(pooled(k)),
				"empty outputs": empty(k),
			})),
		),
	);
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
