// OCR benchmark: our pipeline inside workerd, once per OCR engine of ours (ENGINES=ort,ink;
// a fresh wrangler dev of the bench Worker in this folder for each), against
// @gutenye/ocr-node (the same PP-OCRv4 models on native onnxruntime-node) and tesseract.js
// (eng + chi_sim traineddata from npm), on the OCR fixtures, in one run; then each engine's
// cold start (cold.mjs). Engines take turns, image by image, so they never compete for the
// CPU and a change in the machine's load falls on all of them alike.
// Usage: node bench/ocr/run.mjs [runs]; BENCH_OURS_ONLY=1: our engines only (no bench:setup
// needed); COLD_RUNS=n fresh servers per engine for the cold start (0: none);
// BENCH_COLD_ONLY=1: the cold start alone; BENCH_ROUNDS=n: the whole interleaved pass n times
// (default 1), each round's sums of p50 and ratios reported with their median.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, percentile, ROOT, startServer, table } from "../lib/server.mjs";
import { coldStarts, coldTable, smallestFixture } from "./cold.mjs";
import { chosenEngines, EngineMismatch, reportedEngine, requireEngine } from "./engines.mjs";
import { nativeRunners, tesseractRunner } from "./reference.mjs";

const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
const OURS_ONLY = process.env.BENCH_OURS_ONLY === "1";
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 3);
const COLD_ONLY = process.env.BENCH_COLD_ONLY === "1";
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const FIXTURES = join(ROOT, "test", "fixtures", "ocr");
const STAGES = ["decode", "det", "cls", "rec", "post"];

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

/** The bench Worker (bench/ocr/wrangler.toml) on a free port, with OCR_ENGINE set when given. */
function startWorker(engine) {
	return freePort().then((port) =>
		startServer({
			port,
			config: "bench/ocr/wrangler.toml",
			vars: engine ? { OCR_ENGINE: engine } : {},
			startMs: 90_000,
		}),
	);
}

/**
 * POST or GET on the bench Worker. wrangler dev reloads the Worker when a source file
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
const pct = (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");
const mib = (bytes) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(1) : "-");

/** The OCR runtime's wasm memory as the app reports it (GET /api/status), and the engine it names. */
async function ocrMemory(url, engine) {
	const body = await call(`${url}/api/status`);
	const named = reportedEngine(body);
	if (named !== null && named !== engine)
		console.log(`  warning: /api/status names engine "${named}", asked ${engine}`);
	return { bytes: body.data.memory.ocr_wasm_bytes, peak: body.data.memory.ocr_wasm_peak_bytes };
}

/** Scores a transcript on a bench Worker: { cer, words: { wer } } with edits and lengths. */
const scorer = (url) => (hypothesis, reference) =>
	call(`${url}/cer`, { method: "POST", body: JSON.stringify({ hypothesis, reference }) });

/**
 * One engine of ours on its own fresh bench Worker, its engine checked and its models
 * loaded: a runner whose time per read is the Worker's own (decode + pipeline).
 */
async function oursRunner(engine) {
	const worker = await startWorker(engine);
	try {
		await requireEngine(worker.url, engine);
		// Timed from here: in wrangler dev the answer to a request that read large model files
		// comes well after its handler returns (bench README), so the client's time is reported.
		const t0 = performance.now();
		const load = await call(`${worker.url}/load`);
		const loadMs = performance.now() - t0;
		const loaded = await ocrMemory(worker.url, engine);
		console.log(
			`${engine}: models loaded in ${fmt(loadMs)} ms from here, ${fmt(load.ms)} ms by the Worker's clock (OCR wasm ${mib(loaded.bytes)} MiB)`,
		);
		return {
			key: engine,
			worker,
			loadMs,
			memory: { loaded },
			measure: async (img) => {
				const out = await call(`${worker.url}/run`, { method: "POST", body: img.bytes });
				return { ms: out.timings.e2e, text: out.text, stages: STAGES.map((k) => out.timings[k]) };
			},
		};
	} catch (err) {
		worker.stop();
		throw err;
	}
}

/** A reference engine timed from here, file path to text. */
function timedRunner(ref) {
	return {
		...ref,
		measure: async (img) => {
			const t0 = performance.now();
			const text = await ref.read(img);
			return { ms: performance.now() - t0, text };
		},
	};
}

/** Per image, every runner in turn (one warm-up, RUNS timed reads each), so load drift hits all alike. */
async function fixtures(runners) {
	const out = Object.fromEntries(runners.map((r) => [r.key, { perImage: {} }]));
	for (const img of images)
		for (const r of runners) {
			await r.measure(img);
			const runs = [];
			for (let i = 0; i < RUNS; i++) runs.push(await r.measure(img));
			const ms = runs.map((x) => x.ms);
			out[r.key].perImage[img.name] = {
				p50: percentile(ms, 50),
				p95: percentile(ms, 95),
				stages: runs[0].stages
					? STAGES.map((_, i) =>
							percentile(
								runs.map((x) => x.stages[i]),
								50,
							),
						)
					: null,
				text: runs[0].text,
			};
		}
	return out;
}

/** Two fixtures enlarged inside the Worker to a 2048-px long side (the route's intake cap). */
async function enlarged(engine, url) {
	const score = scorer(url);
	for (const name of ["dev_en_receipt_01", "dev_en_para_02"]) {
		const img = images.find((i) => i.name === name);
		const probe = await call(`${url}/run`, { method: "POST", body: img.bytes });
		const scale = 2048 / Math.max(probe.width, probe.height);
		const big = await call(`${url}/run?scale=${scale}`, { method: "POST", body: img.bytes });
		const c = await score(big.text, img.truth);
		const t = big.timings;
		console.log(
			`${engine}: ${name} enlarged to ${big.width}x${big.height}: ${fmt(t.e2e)} ms (det ${fmt(t.det)}, rec ${fmt(t.rec)}), CER ${pct(c.cer)}`,
		);
	}
}

/** The words stage's share of each upright read, and every fixture turned a quarter (read as it lies, then turned). */
async function wordsAndTurns(engine, url) {
	let wordsMs = 0;
	let uprightMs = 0;
	let turnedMs = 0;
	let turnedRight = 0;
	const post = (img, query) => () => call(`${url}/run${query}`, { method: "POST", body: img.bytes });
	for (const img of images) {
		const upright = await repeat(post(img, ""), RUNS);
		const turned = await repeat(post(img, "?turn=90"), RUNS);
		const p50 = (runs, k) =>
			percentile(
				runs.map((r) => r.out.timings[k]),
				50,
			);
		wordsMs += p50(upright, "words");
		uprightMs += p50(upright, "e2e");
		turnedMs += p50(turned, "e2e");
		if (turned[0].out.orientation === 270) turnedRight++;
	}
	console.log(
		`${engine}: words ${wordsMs.toFixed(2)} ms of ${fmt(uprightMs)} ms over the upright fixtures (${pct(wordsMs / uprightMs)}); turned 90 degrees: ${fmt(turnedMs)} ms, ${(turnedMs / uprightMs).toFixed(2)}x upright, orientation 270 found on ${turnedRight} of ${images.length}`,
	);
}

async function repeat(fn, runs) {
	await fn();
	const out = [];
	for (let i = 0; i < runs; i++) out.push({ out: await fn() });
	return out;
}

/** The tables: times, our stages, accuracy, and the summary against ocr-node. */
function report(results, oursKeys, label) {
	const keys = Object.keys(results);
	const cell = (k, name) => results[k].perImage[name];
	console.log(`\nOCR, ${RUNS} timed runs per image after one warm-up (ms; p50 and p95 end to end, decode included)\n`);
	console.log(
		table(
			images.map(({ name }) => {
				const row = { image: name };
				for (const k of keys) {
					row[`${label[k].short} p50`] = fmt(cell(k, name).p50);
					row[`${label[k].short} p95`] = fmt(cell(k, name).p95);
				}
				return row;
			}),
		),
	);
	console.log("\nOur stages, medians (ms): decode, det, cls, rec, post (DB post-processing, crops, reading order)\n");
	const stageRows = [];
	for (const { name } of images)
		for (const k of oursKeys) {
			const row = { image: name, engine: k };
			STAGES.forEach((s, i) => {
				row[s] = fmt(cell(k, name).stages[i]);
			});
			stageRows.push(row);
		}
	console.log(table(stageRows));
	console.log(
		"\nAccuracy of each engine's first run: CER (edits / reference chars) and WER (edits / reference words)\n",
	);
	console.log(
		table(
			images.map(({ name }) => {
				const row = { image: name };
				for (const k of keys) row[`CER ${label[k].short}`] = pct(cell(k, name).score.cer);
				for (const k of keys) row[`WER ${label[k].short}`] = pct(cell(k, name).score.words.wer);
				return row;
			}),
		),
	);
	const sums = sumsOf(results);
	const sum = (k) => sums[k];
	const pooled = (k, pick) => {
		const scores = images.map(({ name }) => pick(cell(k, name).score));
		return scores.reduce((s, x) => s + x.errors, 0) / scores.reduce((s, x) => s + x.length, 0);
	};
	const base = results.native ? sum("native") : Number.NaN;
	console.log("");
	console.log(
		table(
			keys.map((k) => ({
				engine: label[k].long,
				"sum of p50 ms": fmt(sum(k)),
				"ratio to ocr-node": (sum(k) / base).toFixed(2),
				"overall CER": pct(pooled(k, (s) => s)),
				"overall WER": pct(pooled(k, (s) => s.words)),
				"empty outputs": images.filter(({ name }) => cell(k, name).text.trim() === "").length,
			})),
		),
	);
}

/** Our engines, each on its own Worker: those the app does not run fail the run if named in ENGINES, else are skipped. */
async function startOurs(engines, explicit, skipped) {
	const ours = [];
	for (const engine of engines) {
		try {
			ours.push(await oursRunner(engine));
		} catch (err) {
			if (!(err instanceof EngineMismatch)) throw err;
			if (explicit)
				throw new EngineMismatch(`ENGINES=${engines.join(",")}: ${engine} is not available: ${err.message}`);
			console.log(`${engine}: skipped: ${err.message}`);
			skipped.push(engine);
		}
	}
	if (!ours.length) throw new EngineMismatch(`none of ${engines.join(", ")} runs in this app`);
	return ours;
}

/** Cold starts of each engine (COLD_RUNS rounds); a mismatch fails the run if the engine was named in ENGINES. */
async function coldRun(engines, image, explicit, skipped) {
	if (COLD_RUNS <= 0 || !engines.length) return {};
	console.log(`cold start: ${COLD_RUNS} fresh servers per engine (${engines.join(", ")}), first request ${image.file}`);
	return coldStarts(engines, image, COLD_RUNS, (engine, err) => {
		if (explicit) throw new EngineMismatch(`ENGINES=${engines.join(",")}: ${engine} is not available: ${err.message}`);
		console.log(`${engine}: skipped: ${err.message}`);
		skipped.push(engine);
	});
}

async function main() {
	const { engines, explicit } = chosenEngines();
	const skipped = [];
	if (COLD_ONLY) {
		const small = smallestFixture();
		const cold = await coldRun(engines, small, explicit, skipped);
		if (Object.keys(cold).length) console.log(`\n${coldTable(cold, small)}`);
		if (skipped.length) console.log(`\nnot measured: ${skipped.join(", ")} (the app does not run it; see above)`);
		return;
	}
	const ours = await startOurs(engines, explicit, skipped);
	const refs = [];
	const results = {};
	const sums = [];
	try {
		if (!OURS_ONLY) refs.push(...(await nativeRunners()), await tesseractRunner());
		const runners = [...ours, ...refs.map(timedRunner)];
		Object.assign(results, await fixtures(runners));
		sums.push(sumsOf(results));
		for (let r = 1; r < ROUNDS; r++) sums.push(sumsOf(await fixtures(runners)));
		for (const r of ours) {
			r.memory.fixtures = await ocrMemory(r.worker.url, r.key);
			await enlarged(r.key, r.worker.url);
			r.memory.large = await ocrMemory(r.worker.url, r.key);
			await wordsAndTurns(r.key, r.worker.url);
		}
		// Every transcript scored by the same function, inside the first Worker.
		const score = scorer(ours[0].worker.url);
		for (const { perImage } of Object.values(results))
			for (const img of images) perImage[img.name].score = await score(perImage[img.name].text, img.truth);
	} finally {
		for (const r of ours) r.worker.stop();
		for (const r of refs) await r.close();
	}
	const small = smallestFixture();
	const cold = await coldRun(
		ours.map((r) => r.key),
		small,
		explicit,
		skipped,
	);
	const label = {
		native: { short: "ocr-node", long: "@gutenye/ocr-node (native ORT, default threads)" },
		native1: { short: "ocr-node 1t", long: "@gutenye/ocr-node (native ORT, 1 thread)" },
		tess: { short: "tess.js", long: "tesseract.js eng+chi_sim" },
	};
	for (const r of ours) label[r.key] = { short: r.key, long: `ours, ${r.key} (workerd, wasm, 1 thread)` };
	report(
		results,
		ours.map((r) => r.key),
		label,
	);
	console.log("\nOCR wasm memory per engine (GET /api/status: memory.ocr_wasm_bytes, ocr_wasm_peak_bytes), MiB\n");
	console.log(
		table(
			ours.map((r) => ({
				engine: r.key,
				"load ms": fmt(r.loadMs),
				"after load": mib(r.memory.loaded.bytes),
				"after fixtures": mib(r.memory.fixtures.bytes),
				"peak, fixtures": mib(r.memory.fixtures.peak),
				"peak, with 2048 px": mib(r.memory.large.peak),
			})),
		),
	);
	if (ROUNDS > 1) roundsTable(sums, label);
	if (Object.keys(cold).length) console.log(`\n${coldTable(cold, small)}`);
	if (skipped.length) console.log(`\nnot measured: ${skipped.join(", ")} (the app does not run it; see above)`);
}

/** Per engine, the sum over the fixtures of its per-image p50. */
function sumsOf(results) {
	return Object.fromEntries(
		Object.entries(results).map(([k, r]) => [k, images.reduce((s, { name }) => s + r.perImage[name].p50, 0)]),
	);
}

/**
 * Every round's sums of p50 and ratios to ocr-node, then per engine the median ratio and its
 * range: a single round's ratio moves by several per cent with the machine, the median of
 * several interleaved rounds much less.
 */
function roundsTable(sums, label) {
	if (sums[0].native === undefined) return;
	const keys = Object.keys(sums[0]).filter((k) => k !== "native");
	const ratio = (s, k) => s[k] / s.native;
	console.log(`\nRounds: the interleaved pass ${sums.length} times, sum of p50 ms and ratio to ocr-node per round\n`);
	console.log(
		table(
			sums.map((s, i) => {
				const row = { round: i + 1, "ocr-node": fmt(s.native) };
				for (const k of keys) row[label[k].short] = `${fmt(s[k])} (${ratio(s, k).toFixed(2)})`;
				return row;
			}),
		),
	);
	console.log("");
	console.log(
		table(
			keys.map((k) => {
				const rs = sums.map((s) => ratio(s, k)).sort((a, b) => a - b);
				return {
					engine: label[k].long,
					"median ratio to ocr-node": percentile(rs, 50).toFixed(2),
					lowest: rs[0].toFixed(2),
					highest: rs[rs.length - 1].toFixed(2),
				};
			}),
		),
	);
}

main().catch((err) => {
	console.error(err instanceof EngineMismatch ? err.message : err);
	process.exit(1);
});
