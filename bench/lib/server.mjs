// Starts the app under `wrangler dev` (real workerd) for HTTP benchmarks, and
// finds the workerd process so its memory can be read from /proc.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * `config`: another wrangler.toml (a bench Worker's) instead of the app's; `startMs`: how
 * long to wait for /health (a Worker that bundles the whole app takes longer to build).
 */
export async function startServer({ port = 8790, vars = {}, inspectorPort, config, startMs = 60_000 } = {}) {
	// A fresh state folder: the local Cache API persists there, and a result cached by an
	// earlier run would turn this run's work into cache hits.
	const state = mkdtempSync(join(tmpdir(), "inkstone-bench-"));
	const args = [
		"wrangler",
		"dev",
		...(config ? ["-c", config] : []),
		"--port",
		String(port),
		"--ip",
		"127.0.0.1",
		"--log-level",
		"warn",
		"--persist-to",
		state,
	];
	for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
	// wrangler's DevTools proxy (bench/lib/inspector.mjs reads the isolate's heap through it).
	if (inspectorPort) args.push("--inspector-port", String(inspectorPort));
	// No call home: the Request.cf lookup (a fetch that fails here without internet, at times while
	// a request waits) and usage metrics are both off, so nothing but the Worker itself is timed.
	const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
	const child = spawn("npx", args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
	let log = "";
	child.stdout.on("data", (d) => (log += d));
	child.stderr.on("data", (d) => (log += d));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + startMs;
	for (;;) {
		try {
			const res = await fetch(`${url}/health`);
			if (res.ok) break;
		} catch {}
		if (Date.now() > deadline || child.exitCode !== null) {
			stopGroup(child.pid);
			throw new Error(`wrangler dev did not start:\n${log.slice(-2000)}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	return {
		url,
		log: () => log,
		/** Every workerd that wrangler dev started (it runs two). */
		workerdPids: () => findWorkerds(child.pid),
		/**
		 * The workerd that runs the Worker's isolate. wrangler dev runs two: one in front
		 * (the entry socket, its proxy and the assets server) and the Worker's own, the one
		 * with the inspector. Checked here: a filter request grows only the latter.
		 */
		workerPid: () =>
			findWorkerds(child.pid).find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("--inspector-addr")),
		stop: () => {
			stopGroup(child.pid);
			rmSync(state, { recursive: true, force: true });
		},
	};
}

/** A TCP port nothing listens on now (the OS picks it), so parallel benches do not collide. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
	});
}

function stopGroup(pid) {
	try {
		process.kill(-pid, "SIGTERM");
	} catch {}
}

/** The workerd processes among the descendants of pid (wrangler spawns them). */
function findWorkerds(root) {
	const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" })
		.trim()
		.split("\n")
		.map((l) => l.trim().split(/\s+/))
		.map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
	const children = new Map();
	for (const r of rows) children.set(r.ppid, [...(children.get(r.ppid) ?? []), r]);
	const found = [];
	const queue = [root];
	while (queue.length) {
		const p = queue.shift();
		for (const c of children.get(p) ?? []) {
			if (c.comm === "workerd") found.push(c.pid);
			queue.push(c.pid);
		}
	}
	return found;
}

/** Resident set size of processes in MB, summed (from /proc, so it needs no tools). */
export function rssMb(pids) {
	let kb = 0;
	for (const pid of [pids].flat()) {
		const status = readFileSync(`/proc/${pid}/status`, "utf8");
		kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	}
	return kb / 1024;
}

export function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
}

export function percentile(xs, p) {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : Number.NaN;
}

export function table(rows) {
	const cols = Object.keys(rows[0]);
	const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
	const line = (vals) => vals.map((v, i) => String(v).padStart(width[i])).join("  ");
	return [line(cols), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join(
		"\n",
	);
}

/**
 * Resident memory of a process by kind of mapping, in MB, from /proc/<pid>/smaps:
 * executable anonymous mappings (JIT code: V8 compiles a wasm function again, optimised,
 * once it runs hot, so this grows while a workload warms up), other anonymous memory
 * (heaps, wasm memories), and file-backed mappings (the workerd binary and libraries).
 */
export function residentByKind(pid) {
	const kinds = { code: 0, anon: 0, file: 0 };
	let kind = "anon";
	for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
		const head = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
		if (head) {
			const [, perms, inode, name] = head;
			const file = inode !== "0" && name.startsWith("/");
			kind = file ? "file" : perms.includes("x") ? "code" : "anon";
			continue;
		}
		const rss = /^Rss:\s+(\d+) kB/.exec(line);
		if (rss) kinds[kind] += Number(rss[1]) / 1024;
	}
	return kinds;
}
