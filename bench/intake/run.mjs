#!/usr/bin/env node
// Intake benchmark: the app's intake (loadImage from src/codecs) to a 1024-px
// preview plus one PNG encode, inside workerd, beside `vipsthumbnail --size 1024`
// on the same camera-like files; then the 2048-px OCR view (no encode) of the
// JPEGs beside `vipsthumbnail --size 2048 -o x.v`. Measures whatever decoders
// src/codecs uses when it is run. Usage: node bench/intake/run.mjs [runs] (default 5)
//
// Env: ONLY=name,name (input names, e.g. base-12mp.jpg), PORT (default 8796).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectInspector, ensureWebSocket } from "../lib/inspector.mjs";
import { median, table } from "../lib/server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(ROOT, "bench", "out", "intake");
const RUNS = Math.max(1, Number(process.argv[2] ?? 5));
const PORT = Number(process.env.PORT ?? 8796);
const INSPECTOR = PORT + 1447;
const MiB = 1024 * 1024;
const INSTALL = "apt-get install libvips-tools libjpeg-turbo-progs imagemagick python3-opencv time";

if (await ensureWebSocket()) process.exit();

// ---- tools -------------------------------------------------------------------------------------
function missingTools() {
	const missing = [];
	const ok = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8" });
	if (ok("vipsthumbnail", ["--version"]).status !== 0) missing.push("vipsthumbnail (libvips-tools)");
	if (ok("cjpeg", ["-version"]).error) missing.push("cjpeg (libjpeg-turbo-progs)");
	// /usr/local/bin/convert on some machines is a stand-in; only Debian's ImageMagick will do.
	if (!/ImageMagick/.test(ok("/usr/bin/convert", ["-version"]).stdout ?? ""))
		missing.push("/usr/bin/convert (imagemagick)");
	if (ok("/usr/bin/python3", ["-c", "import cv2, numpy"]).status !== 0)
		missing.push("OpenCV in /usr/bin/python3 (python3-opencv)");
	if (ok("/usr/bin/time", ["-v", "true"]).status !== 0) missing.push("/usr/bin/time (time)");
	return missing;
}
const missing = missingTools();
if (missing.length) {
	console.error(`bench:intake needs ${missing.join(", ")}.\nInstall them with: ${INSTALL}`);
	process.exit(2);
}
const hyperfine = spawnSync("hyperfine", ["--version"]).status === 0;

// ---- inputs ------------------------------------------------------------------------------------
// Every file of one size comes from the same frame (bench/intake/inputs.py), so a baseline and a
// progressive 12 MP JPEG and the 12 MP PNG hold the same pixels.
const INPUTS = [
	{ name: "base-12mp.jpg", w: 4000, h: 3000, kind: "jpeg" },
	{ name: "base-24mp.jpg", w: 6000, h: 4000, kind: "jpeg" },
	{ name: "base-48mp.jpg", w: 8000, h: 6000, kind: "jpeg" },
	{ name: "base-100mp.jpg", w: 12000, h: 8320, kind: "jpeg" },
	{ name: "prog-12mp.jpg", w: 4000, h: 3000, kind: "jpeg", progressive: true },
	{ name: "prog-24mp.jpg", w: 6000, h: 4000, kind: "jpeg", progressive: true },
	{ name: "rgb-12mp.png", w: 4000, h: 3000, kind: "png" },
	{ name: "lossy-4mp.webp", w: 2304, h: 1728, kind: "webp" },
];
const only = process.env.ONLY ? new Set(process.env.ONLY.split(",")) : null;
const inputs = INPUTS.filter((i) => !only || only.has(i.name));

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24, ...opts });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error}`);
	return r.stdout;
}

function makeInputs() {
	mkdirSync(OUT, { recursive: true });
	const stampOf = (spec) =>
		createHash("sha1")
			.update(readFileSync(join(HERE, "inputs.py")))
			.update(JSON.stringify(spec))
			.digest("hex");
	const stampFile = join(OUT, "inputs.json");
	const stamps = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : {};
	const frames = new Map();
	const t0 = Date.now();
	for (const spec of inputs) {
		const file = join(OUT, spec.name);
		if (existsSync(file) && stamps[spec.name] === stampOf(spec)) continue;
		const key = `${spec.w}x${spec.h}`;
		if (!frames.has(key)) {
			const ppm = join(OUT, `frame-${key}.ppm`);
			run("/usr/bin/python3", [join(HERE, "inputs.py"), ppm, String(spec.w), String(spec.h)]);
			frames.set(key, ppm);
		}
		const ppm = frames.get(key);
		if (spec.kind === "jpeg") {
			// q90, 4:2:0, standard Huffman tables: what a camera writes.
			const mode = spec.progressive ? ["-progressive"] : [];
			run("cjpeg", ["-quality", "90", "-sample", "2x2", ...mode, "-outfile", file, ppm]);
		} else if (spec.kind === "png") {
			run("/usr/bin/convert", [ppm, "-depth", "8", `PNG24:${file}`]);
		} else {
			run("/usr/bin/convert", [ppm, "-quality", "80", "-define", "webp:method=4", file]);
		}
		stamps[spec.name] = stampOf(spec);
		writeFileSync(stampFile, JSON.stringify(stamps, null, 2));
	}
	for (const ppm of frames.values()) rmSync(ppm, { force: true });
	const tiny = join(OUT, "tiny.png");
	if (!existsSync(tiny)) {
		run("/usr/bin/python3", [
			"-c",
			"import cv2,numpy as np,sys; cv2.imwrite(sys.argv[1], np.full((16,16,3),128,np.uint8))",
			tiny,
		]);
	}
	if (frames.size) console.error(`inputs written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
makeInputs();

// ---- the app's limits ----------------------------------------------------------------------------
function appVars() {
	const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
	const vars = {};
	const section = /\[vars\]([\s\S]*?)(\n\[|$)/.exec(toml)?.[1] ?? "";
	for (const m of section.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)) vars[m[1]] = m[2];
	return vars;
}
const vars = appVars();
const uploadCap = Number(vars.MAX_UPLOAD_BYTES ?? 20 * MiB);

// ---- the Worker, bundled once ---------------------------------------------------------------------
// wrangler dev restarts a Worker when a file it was bundled from changes, and others edit src/
// while this runs: so the Worker is bundled once here (a snapshot of src/ and build/kernels/)
// and every server runs that bundle as it is.
const BUNDLE = join(OUT, "bundle");
function bundleWorker() {
	rmSync(BUNDLE, { recursive: true, force: true });
	const r = spawnSync(
		"npx",
		["wrangler", "deploy", "--dry-run", "--outdir", BUNDLE, "-c", "bench/intake/wrangler.toml"],
		{
			cwd: ROOT,
			encoding: "utf8",
		},
	);
	if (r.status !== 0 || !existsSync(join(BUNDLE, "worker.js"))) {
		console.error(`bundling bench/intake/worker.ts failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
		process.exit(1);
	}
	const toml = readFileSync(join(HERE, "wrangler.toml"), "utf8");
	const date = /compatibility_date\s*=\s*"([^"]+)"/.exec(toml)?.[1] ?? "2026-04-20";
	writeFileSync(
		join(BUNDLE, "wrangler.toml"),
		`name = "inkstone-bench-intake"\nmain = "worker.js"\ncompatibility_date = "${date}"\ncompatibility_flags = ["nodejs_compat"]\nno_bundle = true\n\n[[rules]]\ntype = "CompiledWasm"\nglobs = ["**/*.wasm"]\nfallthrough = true\n`,
	);
}
bundleWorker();

// ---- workerd ------------------------------------------------------------------------------------
function descendants(root) {
	const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" })
		.trim()
		.split("\n")
		.map((l) => l.trim().split(/\s+/))
		.map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
	const found = [];
	const queue = [root];
	while (queue.length) {
		const p = queue.shift();
		for (const r of rows) if (r.ppid === p) found.push(r) && queue.push(r.pid);
	}
	return found;
}

async function startWorker() {
	const args = ["wrangler", "dev", "-c", join(BUNDLE, "wrangler.toml"), "--port", String(PORT), "--ip", "127.0.0.1"];
	args.push("--inspector-port", String(INSPECTOR), "--log-level", "warn");
	for (const k of ["MAX_PIXELS", "MAX_SIDE", "MAX_UPLOAD_BYTES"]) if (vars[k]) args.push("--var", `${k}:${vars[k]}`);
	const child = spawn("npx", args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
	let log = "";
	child.stdout.on("data", (d) => (log += d));
	child.stderr.on("data", (d) => (log += d));
	const stop = () => {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {}
	};
	const deadline = Date.now() + 60_000;
	for (;;) {
		try {
			if ((await fetch(`http://127.0.0.1:${PORT}/health`)).ok) break;
		} catch {}
		if (Date.now() > deadline || child.exitCode !== null) {
			stop();
			throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	// The Worker's own workerd is the one with the inspector (the other is wrangler's front proxy).
	const pid = descendants(child.pid)
		.filter((r) => r.comm === "workerd")
		.map((r) => r.pid)
		.find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("--inspector-addr"));
	let inspector = null;
	try {
		inspector = await connectInspector(INSPECTOR);
	} catch {}
	return {
		pid,
		inspector,
		alive: () => child.exitCode === null && pid !== undefined && existsSync(`/proc/${pid}`),
		log: () => log,
		stop: () => {
			inspector?.close();
			stop();
		},
	};
}

/** VmRSS and VmHWM in MiB; writing 5 to clear_refs resets the high-water mark to the current RSS. */
function rss(pid) {
	const s = readFileSync(`/proc/${pid}/status`, "utf8");
	const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? Number.NaN) / 1024;
	return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}
function resetHwm(pid) {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, "5");
		return true;
	} catch {
		return false;
	}
}

async function call(worker, path) {
	let before;
	if (worker.pid) {
		resetHwm(worker.pid);
		before = rss(worker.pid).rss;
	}
	let body;
	try {
		const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { signal: AbortSignal.timeout(180_000) });
		const text = await res.text();
		try {
			body = JSON.parse(text);
		} catch {
			body = { error: { status: res.status, code: "not_json", message: text.slice(0, 200) } };
		}
	} catch (err) {
		body = { error: { status: 0, code: "crash", message: String(err?.cause?.code ?? err?.message ?? err) } };
	}
	if (worker.pid && existsSync(`/proc/${worker.pid}`)) body.rss_growth_mb = rss(worker.pid).hwm - before;
	else if (!body.error) body.error = { status: 0, code: "crash", message: "workerd exited" };
	if (worker.inspector) {
		try {
			body.js = await worker.inspector.heapUsage();
		} catch {}
	}
	return body;
}

/**
 * Largest single wasm heap reading that belongs to a phase (MiB): a peak the phase raised (a
 * peak reset before it counts from zero), a last-call heap that changed during it, and what is
 * held right after it. A peak left as it was says only that the phase stayed below an earlier
 * call's, so it is skipped; the cold call, which starts from nothing, always has its readings.
 */
function wasmMiB(r, phase) {
	const p = r[phase];
	if (!p) return Number.NaN;
	const vals = [];
	for (const [k, v] of Object.entries(p.after.peak ?? {})) if (v > (p.before.peak?.[k] ?? 0)) vals.push(v);
	for (const [k, v] of Object.entries(p.after.last ?? {})) if (v !== (p.before.last?.[k] ?? 0)) vals.push(v);
	vals.push(...Object.values(p.after.held ?? {}));
	return vals.length ? Math.max(...vals) / MiB : Number.NaN;
}

const maxOf = (xs) => {
	const finite = xs.filter(Number.isFinite);
	return finite.length ? Math.max(...finite) : Number.NaN;
};

async function measureOurs(spec) {
	const out = { p1024: [], p2048: [] };
	let worker;
	try {
		worker = await startWorker();
	} catch (err) {
		out.fatal = String(err.message).split("\n")[0];
		return out;
	}
	try {
		const bytes = readFileSync(join(OUT, spec.name));
		const res = await fetch(`http://127.0.0.1:${PORT}/input`, { method: "POST", body: bytes });
		if (!res.ok) throw new Error(`POST /input: ${res.status}`);
		// After the upload is held, so the JS growth below is the intake's own.
		out.js0 = worker.inspector ? await worker.inspector.heapUsage().catch(() => null) : null;
		out.floor_mb = worker.pid ? rss(worker.pid).rss : Number.NaN;
		for (const [key, query, count] of [
			["p1024", "side=1024&encode=png", RUNS + 1],
			["p2048", "side=2048", spec.kind === "jpeg" ? RUNS + 1 : 0],
		]) {
			for (let i = 0; i < count; i++) {
				if (!worker.alive()) {
					out[key].push({ error: { status: 0, code: "crash", message: "workerd exited" } });
					break;
				}
				const r = await call(worker, `/run?${query}`);
				out[key].push(r);
				// A refusal is the same every time; a crash leaves nothing to call.
				if (r.error) break;
			}
			if (key === "p1024" && out[key].some((r) => !r.error)) {
				const png = await fetch(`http://127.0.0.1:${PORT}/last.png`).catch(() => null);
				if (png?.ok) writeFileSync(join(oursOut, `${spec.name}.png`), new Uint8Array(await png.arrayBuffer()));
			}
		}
	} catch (err) {
		out.fatal = String(err.message ?? err);
	} finally {
		worker.stop();
		await new Promise((r) => setTimeout(r, 300));
	}
	return out;
}

// ---- vipsthumbnail ------------------------------------------------------------------------------
function timeChild(cmd, args, env) {
	const t0 = process.hrtime.bigint();
	const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
	return ms;
}

/** Cold first run, then the median of RUNS (hyperfine's when installed, else our own timing). */
function timeVips(file, size, output, env = {}) {
	const args = [file, "--size", String(size), "-o", output];
	const cold = timeChild("vipsthumbnail", args, env);
	let ms;
	if (hyperfine) {
		const json = join(OUT, "hyperfine.json");
		const cmd = `vipsthumbnail '${file}' --size ${size} -o '${output}'`;
		run("hyperfine", ["--runs", String(RUNS), "--style", "none", "--export-json", json, cmd], {
			env: { ...process.env, ...env },
		});
		ms = JSON.parse(readFileSync(json, "utf8")).results[0].median * 1000;
	} else {
		ms = median(Array.from({ length: RUNS }, () => timeChild("vipsthumbnail", args, env)));
	}
	return { cold, ms };
}

function maxRssMb(args) {
	const r = spawnSync("/usr/bin/time", ["-v", "vipsthumbnail", ...args], { encoding: "utf8" });
	return Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
}

const vipsOut = join(OUT, "vips");
const oursOut = join(OUT, "ours");
for (const dir of [vipsOut, oursOut]) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
}
const vipsFloor = median(
	[1, 2, 3].map(() => maxRssMb([join(OUT, "tiny.png"), "--size", "1024", "-o", join(vipsOut, "tiny.png")])),
);

function measureVips(spec) {
	const file = join(OUT, spec.name);
	const png = join(vipsOut, `${spec.name}.png`);
	const v = {};
	try {
		v.p1024 = timeVips(file, 1024, png);
		v.p1024_1t = timeVips(file, 1024, png, { VIPS_CONCURRENCY: "1" });
		v.rss1024 = maxRssMb([file, "--size", "1024", "-o", png]) - vipsFloor;
		if (spec.kind === "jpeg") {
			const raw = join(vipsOut, `${spec.name}.v`);
			v.p2048 = timeVips(file, 2048, raw);
			v.rss2048 = maxRssMb([file, "--size", "2048", "-o", raw]) - vipsFloor;
			rmSync(raw, { force: true });
		}
	} catch (err) {
		v.error = String(err.message).split("\n")[0];
	}
	return v;
}

// ---- run -----------------------------------------------------------------------------------------
const started = Date.now();
const loadAtStart = loadavg()[0];
const results = [];
for (const spec of inputs) {
	const t = Date.now();
	const ours = await measureOurs(spec);
	const vips = measureVips(spec);
	results.push({ spec, bytes: statSync(join(OUT, spec.name)).size, ours, vips });
	console.error(`${spec.name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// ---- same picture? ---------------------------------------------------------------------------------
// Mean absolute difference (0-255, all channels) between our 1024 preview and vipsthumbnail's,
// vips' resized to ours when their rounding differs by a pixel: a few units is two resamplers,
// tens is a wrong picture.
const diff = (() => {
	const pairs = results
		.map((r) => [r.spec.name, join(oursOut, `${r.spec.name}.png`), join(vipsOut, `${r.spec.name}.png`)])
		.filter(([, a, b]) => existsSync(a) && existsSync(b));
	if (!pairs.length) return {};
	const py = `import cv2,json,sys,numpy as np
out={}
for name,a,b in json.loads(sys.argv[1]):
    A=cv2.imread(a,cv2.IMREAD_COLOR); B=cv2.imread(b,cv2.IMREAD_COLOR)
    if A is None or B is None: continue
    if A.shape!=B.shape: B=cv2.resize(B,(A.shape[1],A.shape[0]),interpolation=cv2.INTER_AREA)
    out[name]=float(np.abs(A.astype(np.int16)-B.astype(np.int16)).mean())
print(json.dumps(out))`;
	const r = spawnSync("/usr/bin/python3", ["-c", py, JSON.stringify(pairs)], { encoding: "utf8" });
	return r.status === 0 ? JSON.parse(r.stdout) : {};
})();

// ---- tables --------------------------------------------------------------------------------------
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : "-");
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const sign = (x) => (x >= 0 ? `+${f1(x)}` : f1(x));
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const statusOf = (r, out) => {
	if (out.fatal) return `failed: ${out.fatal.slice(0, 60)}`;
	const err = r.find((x) => x.error)?.error;
	if (!err) return "ok";
	return err.code === "crash" ? `crash (${err.message})` : `${err.status} ${err.code}`;
};
const sizeOf = (r) => `${(r.bytes / MiB).toFixed(1)}${r.bytes > uploadCap ? "*" : ""}`;

function rowsFor(key, withEncode) {
	return results
		.filter((r) => key === "p1024" || r.spec.kind === "jpeg")
		.map((r) => {
			const runs = r.ours[key] ?? [];
			const good = runs.filter((x) => !x.error);
			const warm = good.slice(1);
			const cold = good[0];
			const load = median(warm.map((x) => x.load_ms));
			const enc = median(warm.map((x) => x.encode_ms));
			const total = median(warm.map((x) => x.load_ms + (x.encode_ms ?? 0)));
			const vipsMs = r.vips[key]?.ms;
			const row = {
				input: r.spec.name,
				size: `${r.spec.w}x${r.spec.h}`,
				MiB: sizeOf(r),
				[withEncode ? "cold ms" : "first ms"]: cold ? f0(cold.load_ms + (cold.encode_ms ?? 0)) : "-",
				"intake ms": f0(load),
			};
			if (withEncode) Object.assign(row, { "png ms": f0(enc), "total ms": f0(total) });
			Object.assign(row, {
				"vips ms": f0(vipsMs),
				"ours/vips": good.length > 1 ? f2(total / vipsMs) : "-",
			});
			if (withEncode) row["vips 1t ms"] = f0(r.vips.p1024_1t?.ms);
			row["decode wasm MiB"] = f1(maxOf(good.map((x) => wasmMiB(x, "decode"))));
			if (withEncode) row["encode wasm MiB"] = f1(maxOf(good.map((x) => wasmMiB(x, "encode"))));
			row["RSS+ MB"] = cold ? f0(cold.rss_growth_mb) : "-";
			if (withEncode) row.diff = f1(diff[r.spec.name]);
			row["vips RSS+ MB"] = f0(key === "p1024" ? r.vips.rss1024 : r.vips.rss2048);
			row.status = r.vips.error ? `${statusOf(runs, r.ours)}; vips: ${r.vips.error}` : statusOf(runs, r.ours);
			return row;
		});
}

const git = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
const head = (git(["log", "-1", "--format=%h %s"]) || process.env.INTAKE_REV || "(not a git checkout)").slice(0, 90);
const dirty = git(["status", "--porcelain", "--", "src/codecs", "src/lib"]);
const newDecoders =
	existsSync(join(ROOT, "src/codecs/jpeg/index.ts")) &&
	/from "\.\/jpeg"/.test(readFileSync(join(ROOT, "src/codecs/load.ts"), "utf8"));
const sample = results.flatMap((r) => [...(r.ours.p1024 ?? [])]).find((x) => !x.error);
const vipsVersion = run("vipsthumbnail", ["--version"]).trim();

console.log(
	`\nintake bench, ${new Date().toISOString().slice(0, 16)} UTC, ${head}${dirty ? " (src has local changes)" : ""}`,
);
console.log(
	`load average ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (on ${availableParallelism()} cores: anything above what this bench adds, about 1, is another job sharing the CPU)`,
);
console.log(
	`intake: ${newDecoders ? "src/codecs/jpeg + png decoders (scaled decode)" : "MozJPEG / @jsquash (full decode, then downscale)"}; limits MAX_PIXELS=${vars.MAX_PIXELS} MAX_SIDE=${vars.MAX_SIDE}; ${vipsVersion}; ${hyperfine ? "hyperfine" : "own child-process timing"}`,
);
console.log(
	`\n1024-px preview: loadImage(bytes, limits, 1024) then encodeImage(png) inside workerd; median of ${RUNS} after a cold first run in a fresh isolate, beside vipsthumbnail FILE --size 1024 -o out.png (median of ${RUNS})`,
);
console.log(table(rowsFor("p1024", true)));
console.log(
	`\n2048-px OCR view (JPEGs): loadImage(bytes, limits, 2048), no encode (same isolate, after the 1024 runs; "first" is its first call, RSS+ its growth), beside vipsthumbnail FILE --size 2048 -o out.v (vips' raw format, no encode)`,
);
console.log(table(rowsFor("p2048", false)));
console.log(`
MiB: file size, * = above the deployed upload cap (MAX_UPLOAD_BYTES ${(uploadCap / MiB).toFixed(1)} MiB; the bench calls the intake directly, so the cap does not apply).
cold ms: first call in a fresh isolate (includes wasm instantiation and V8's baseline tier). total = intake + png, medians of the same runs; ours/vips = total / vips ms (target <= 1.5).
vips ms: its default thread pool (2 cores here); vips 1t: VIPS_CONCURRENCY=1 (workerd runs a request on one thread). Child-process times include vips' start-up (~${f0(timeVips(join(OUT, "tiny.png"), 16, join(vipsOut, "tiny.png")).ms)} ms for a 16x16 PNG).
decode/encode wasm MiB: largest single wasm heap reading that belongs to the phase (a peak it raised, a last-call heap it changed, a heap held after it), over its runs (target: decode <= 16 MB); readers: ${sample ? Object.values(sample.decode.after).flatMap(Object.keys).join(", ") : "-"}${sample ? (sample.resettable ? " (with a reset export)" : " (no reset export: peaks count only when a phase raises them)") : ""}.
RSS+ MB: growth of the Worker's workerd process over the cold call (VmHWM after it, reset through /proc/PID/clear_refs, minus VmRSS before); vips RSS+: /usr/bin/time -v max RSS minus ${f1(vipsFloor)} MB for a 16x16 PNG.
diff: mean absolute difference (0-255) between our preview and vipsthumbnail's (a few units: two resamplers; tens: a wrong picture).
JS heap: workerd gives the Worker no memory figures (process.memoryUsage() is all zeros), so it is read through DevTools after each call; see the detail below.`);

console.log(
	"\ndetail (MiB): the codecs' non-zero readings after the cold 1024 call's decode and its encode; JS heap used / ArrayBuffer backing (outside wasm) after each phase's last call, growth over the isolate holding just the upload (uncollected garbage included)",
);
for (const r of results) {
	const runs = r.ours.p1024 ?? [];
	const c = runs.find((x) => !x.error);
	const mib = (o) =>
		Object.entries({ ...o?.peak, ...o?.last, ...o?.held })
			.filter(([, v]) => v > 0)
			.map(([k, v]) => `${k} ${f1(v / MiB)}`)
			.join(", ") || "-";
	const js0 = r.ours.js0;
	const jsAfter = (arr) => {
		const last = [...(arr ?? [])].reverse().find((x) => x.js);
		return last && js0
			? `used ${sign((last.js.used - js0.used) / MiB)}, backing ${sign((last.js.backing - js0.backing) / MiB)}`
			: "-";
	};
	console.log(
		`  ${r.spec.name}: ${c ? `after decode [${mib(c.decode?.after)}]; after encode [${mib(c.encode?.after)}]; png ${f0(c.png_bytes / 1024)} KiB` : statusOf(runs, r.ours)}; JS after 1024 runs: ${jsAfter(runs)}${r.spec.kind === "jpeg" ? `, after 2048 runs: ${jsAfter(r.ours.p2048)}` : ""}`,
	);
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s`);
writeFileSync(
	join(OUT, `results-${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
	JSON.stringify(results, null, 1),
);
process.exit(0);
