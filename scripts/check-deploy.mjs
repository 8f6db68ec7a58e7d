#!/usr/bin/env node
// Checks, with no network and no Cloudflare login, that the Worker can be deployed:
//   1. `wrangler deploy --dry-run --outdir <tmp>` builds the upload; the script and its wasm
//      modules (what the platform counts as the Worker's size: every module in the upload,
//      uncompressed, source maps aside) must stay within 64 MiB, and every static asset
//      (models/) within 25 MiB, 20,000 files at most;
//   2. startup: `wrangler check startup` profiles the Worker's global scope inside a local
//      workerd; to that span the script adds the time this Node takes to compile every wasm
//      module of the upload (a runtime compiles them as it loads the Worker, and the profile
//      may not show it), and the sum must stay under 1 s.
// Prints what it measured; exits 1 when a limit is passed. Limits can be lowered to check
// that the check fails: CHECK_MAX_UPLOAD_BYTES, CHECK_MAX_STARTUP_MS.
import "./relaxed-simd.mjs";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MiB = 1024 * 1024;
const MAX_UPLOAD = Number(process.env.CHECK_MAX_UPLOAD_BYTES ?? 64 * MiB);
const MAX_STARTUP_MS = Number(process.env.CHECK_MAX_STARTUP_MS ?? 1000);
const MAX_ASSET = 25 * MiB;
const MAX_ASSETS = 20_000;

const work = mkdtempSync(join(tmpdir(), "inkstone-deploy-"));
// No usage metrics, no colour codes in the output parsed below.
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0", NO_COLOR: "1" };
const wrangler = (args) =>
	execFileSync(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), ...args], {
		cwd: ROOT,
		env,
		encoding: "utf8",
		stdio: ["ignore", "pipe", "pipe"],
	});

const failures = [];
const rows = [];
const mib = (n) => `${(n / MiB).toFixed(2)} MiB`;

try {
	// 1. The upload.
	const outdir = join(work, "dist");
	const log = wrangler(["deploy", "--dry-run", "--outdir", outdir]);
	const modules = readdirSync(outdir).filter((f) => !f.endsWith(".map") && f !== "README.md");
	const sizes = modules.map((f) => ({ f, bytes: statSync(join(outdir, f)).size }));
	const upload = sizes.reduce((s, m) => s + m.bytes, 0);
	// wrangler prints its own total; both must agree that the upload fits.
	const reported = /Total Upload:\s*([\d.]+)\s*KiB/.exec(log);
	const reportedBytes = reported ? Number(reported[1]) * 1024 : upload;
	rows.push(["upload (script + wasm modules)", mib(upload), `limit ${mib(MAX_UPLOAD)}`]);
	rows.push(["  as wrangler reports it", reported ? mib(reportedBytes) : "(no Total Upload line)", ""]);
	for (const m of sizes.sort((a, b) => b.bytes - a.bytes).slice(0, 4)) {
		rows.push([`  ${m.f.replace(/^[0-9a-f]{40}-/, "")}`, mib(m.bytes), ""]);
	}
	if (Math.max(upload, reportedBytes) > MAX_UPLOAD) failures.push(`upload ${mib(upload)} is over ${mib(MAX_UPLOAD)}`);

	const assetsDir = join(
		ROOT,
		/\[assets\][^[]*?directory\s*=\s*"([^"]+)"/.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"))?.[1] ??
			"models",
	);
	const assets = [];
	const walk = (dir) => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else assets.push({ p, bytes: statSync(p).size });
		}
	};
	walk(assetsDir);
	const largest = assets.reduce((a, b) => (b.bytes > a.bytes ? b : a), { p: "", bytes: 0 });
	rows.push(["static assets", `${assets.length} files`, `largest ${mib(largest.bytes)} (limit ${mib(MAX_ASSET)})`]);
	if (largest.bytes > MAX_ASSET) failures.push(`asset ${largest.p} is ${mib(largest.bytes)}, over ${mib(MAX_ASSET)}`);
	if (assets.length > MAX_ASSETS) failures.push(`${assets.length} assets, over ${MAX_ASSETS}`);

	// 2. Startup.
	const profilePath = join(work, "startup.cpuprofile");
	wrangler(["check", "startup", "--outfile", profilePath]);
	const profile = JSON.parse(readFileSync(profilePath, "utf8"));
	const span = (profile.endTime - profile.startTime) / 1000;
	const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
	const busy = profile.samples.reduce((s, id, i) => s + (idle.has(id) ? 0 : profile.timeDeltas[i] / 1000), 0);
	let compile = 0;
	for (const f of modules.filter((m) => m.endsWith(".wasm"))) {
		const bytes = readFileSync(join(outdir, f));
		const t = performance.now();
		new WebAssembly.Module(bytes);
		compile += performance.now() - t;
	}
	const startup = span + compile;
	rows.push([
		"startup profile span (wrangler check startup)",
		`${span.toFixed(0)} ms`,
		`${busy.toFixed(0)} ms not idle`,
	]);
	rows.push(["wasm compile of the upload's modules (Node)", `${compile.toFixed(0)} ms`, ""]);
	rows.push(["startup, span + compile", `${startup.toFixed(0)} ms`, `limit ${MAX_STARTUP_MS} ms`]);
	if (startup > MAX_STARTUP_MS) failures.push(`startup ${startup.toFixed(0)} ms is over ${MAX_STARTUP_MS} ms`);
} catch (err) {
	failures.push(`the check could not run: ${String(err.stderr || err.message || err).slice(-2000)}`);
} finally {
	rmSync(work, { recursive: true, force: true });
}

const width = Math.max(...rows.map((r) => r[0].length));
for (const [what, value, note] of rows) console.log(`${what.padEnd(width)}  ${value.padStart(12)}  ${note}`);
if (failures.length) {
	for (const f of failures) console.error(`check:deploy FAILED: ${f}`);
	process.exit(1);
}
console.log("check:deploy passed");
