// Plumbing for the end-to-end run: a wrangler dev server in its own process
// group, a browser with a throwaway profile, and a pass/fail ledger.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

/** A port nobody is listening on right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `wrangler dev` as the leader of a new process group, so that stopping
 * it also stops the workerd child. Keeps the last lines of its output for
 * diagnosis when something fails.
 */
export async function startWrangler(root, { startupMs, vars = {} }) {
	const [port, inspectorPort] = [await freePort(), await freePort()];
	const state = mkdtempSync(join(tmpdir(), "inkstone-e2e-state-"));
	const args = ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1"];
	for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
	args.push("--inspector-port", String(inspectorPort), "--persist-to", state, "--show-interactive-dev-session=false");
	const child = spawn("npx", args, {
		cwd: root,
		detached: true,
		stdio: ["ignore", "pipe", "pipe"],
		env: { ...process.env, NO_COLOR: "1", WRANGLER_SEND_METRICS: "false", CI: "1" },
	});
	const tail = [];
	const keep = (chunk) => {
		for (const line of String(chunk).split("\n")) if (line.trim()) tail.push(line);
		if (tail.length > 80) tail.splice(0, tail.length - 80);
	};
	child.stdout.on("data", keep);
	child.stderr.on("data", keep);
	let exited = null;
	const exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve((exited = { code, signal }))));

	const server = {
		base: `http://127.0.0.1:${port}`,
		tail: () => tail.join("\n"),
		async stop() {
			if (exited === null) {
				signalGroup(child.pid, "SIGTERM");
				const done = await Promise.race([exit, sleep(8000).then(() => null)]);
				if (done === null) {
					signalGroup(child.pid, "SIGKILL");
					await Promise.race([exit, sleep(3000)]);
				}
			}
			rmSync(state, { recursive: true, force: true });
		},
		killNow() {
			if (exited === null) signalGroup(child.pid, "SIGKILL");
		},
	};

	const deadline = Date.now() + startupMs;
	while (Date.now() < deadline) {
		if (exited !== null) throw new Error(`wrangler dev exited early (${JSON.stringify(exited)}):\n${server.tail()}`);
		try {
			const res = await fetch(`${server.base}/health`, { signal: AbortSignal.timeout(3000) });
			if (res.ok) return server;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	await server.stop();
	throw new Error(`wrangler dev did not answer /health within ${startupMs / 1000} s:\n${server.tail()}`);
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// the group is already gone
	}
}

/**
 * A local image origin for GET /api/style/:name?url=: serves each given file
 * at its path, and 404 for anything else.
 */
export async function startOrigin(files) {
	const port = await freePort();
	const server = createHttpServer((req, res) => {
		const body = files[new URL(req.url, "http://x").pathname];
		if (!body) {
			res.writeHead(404).end("not here");
			return;
		}
		res.writeHead(200, { "content-type": "image/jpeg", "content-length": body.length }).end(body);
	});
	await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
	return { base: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Debian's chromium with a fresh profile that is deleted on close. */
export async function launchBrowser(executablePath) {
	const profile = mkdtempSync(join(tmpdir(), "inkstone-e2e-profile-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1280, height: 900 },
		acceptDownloads: true,
		timeout: 30_000,
	});
	return {
		context,
		async close() {
			await context.close().catch(() => {});
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

/** Named checks: each prints one line; a failure is recorded, never thrown past the run. */
export function ledger() {
	let passed = 0;
	let failed = 0;
	return {
		async check(name, fn) {
			const t = Date.now();
			try {
				const note = await fn();
				passed++;
				console.log(`ok   ${name}${note ? ` (${note})` : ""} [${Date.now() - t} ms]`);
				return true;
			} catch (err) {
				failed++;
				console.log(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
				return false;
			}
		},
		fail(name, message) {
			failed++;
			console.log(`FAIL ${name}: ${message}`);
		},
		get passed() {
			return passed;
		},
		get failed() {
			return failed;
		},
	};
}

export function assert(condition, message) {
	if (!condition) throw new Error(message);
}

/** Width and height from a baseline or progressive JPEG's SOF marker. */
export function jpegSize(bytes) {
	let i = 2;
	while (i + 9 < bytes.length) {
		if (bytes[i] !== 0xff) throw new Error("not a JPEG marker stream");
		const marker = bytes[i + 1];
		const length = (bytes[i + 2] << 8) | bytes[i + 3];
		const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isSof) return { height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8] };
		i += 2 + length;
	}
	throw new Error("no SOF marker");
}
