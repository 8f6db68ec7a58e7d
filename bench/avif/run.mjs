#!/usr/bin/env node
// AVIF encode time against image side inside workerd (wrangler dev), beside
// WebP and our JPEG on the same frames, and the heap each AVIF encode ends with.
// Usage: node bench/avif/run.mjs [reps]          (default 5 timed runs per side)
//   SIDES=256,512,1024   sides to measure (square frames)
//   SPEEDS=8             libaom speeds for the AVIF column (default the app's; the first also gets WebP/JPEG)
//   QUALITY=70           AVIF quality (default the app's; WebP and JPEG run at their 85)
//   QUALITIES=40,50,60   instead: file size, PSNR and SSIM of AVIF at each quality (at the first
//                        side and speed) beside WebP and JPEG at 85, to pick AVIF's default quality
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodePng } from "../lib/images.mjs";
import { median, ROOT, table } from "../lib/server.mjs";

const reps = Number(process.argv[2] ?? 5);
const SIDES = (process.env.SIDES ?? "256,384,512,640,768,896,1024,1152,1280,1536").split(",").map(Number);
const SPEEDS = (process.env.SPEEDS ?? "8").split(",").map(Number);
const QUALITY = Number(process.env.QUALITY ?? 70);
const PORT = Number(process.env.PORT ?? 8795);
const base = `http://127.0.0.1:${PORT}`;

// Frames tile the three photo fixtures at their own resolution (mirrored at every
// other tile so no seam is sharp), keeping a photo's detail at every side: an
// upscaled image would be smoother than a real preview and encode faster.
const photos = await Promise.all(
	["tools", "apple", "orange"].map((n) => decodePng(join(ROOT, "test", "fixtures", "npr", `${n}.input.png`))),
);
function frame(side) {
	const data = new Uint8ClampedArray(side * side * 4);
	for (let y = 0; y < side; y++) {
		for (let x = 0; x < side; x++) {
			const tx = Math.floor(x / 400);
			const ty = Math.floor(y / 400);
			const p = photos[(tx + ty) % photos.length];
			let sx = x % 400;
			let sy = y % 400;
			if (tx % 2) sx = 399 - sx;
			if (ty % 2) sy = 399 - sy;
			const i = (sy * p.width + sx) * 4;
			data.set(p.data.subarray(i, i + 4), (y * side + x) * 4);
		}
	}
	return data;
}

const dev = spawn(
	"npx",
	["wrangler", "dev", "-c", "bench/avif/wrangler.toml", "--port", String(PORT), "--ip", "127.0.0.1"],
	{ cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
);
const stop = () => {
	try {
		process.kill(-dev.pid, "SIGTERM");
	} catch {}
};
process.on("exit", stop);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));
for (let i = 0; ; i++) {
	try {
		if ((await fetch(`${base}/noop`)).ok) break;
	} catch {}
	if (i > 120) throw new Error("wrangler dev did not start");
	await new Promise((r) => setTimeout(r, 500));
}

/** The workerd processes wrangler dev started (it runs two: the entry proxy and the Worker's own). */
function workerds() {
	const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" })
		.trim()
		.split("\n")
		.map((l) => l.trim().split(/\s+/));
	const found = [];
	const queue = [dev.pid];
	while (queue.length) {
		const parent = String(queue.shift());
		for (const [pid, ppid, comm] of rows) {
			if (ppid !== parent) continue;
			if (comm === "workerd") found.push(pid);
			queue.push(pid);
		}
	}
	return found;
}

// CPU time (user + system) of both workerds, in ms. Wall time on a machine shared with other
// work stretches with their load; the CPU an encode takes does not, and it is what a Worker's
// CPU limit and bill count. Clock ticks are 10 ms: a cell sums several runs.
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
let pids = [];
function cpuMs() {
	let ticks = 0;
	for (const pid of pids) {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		ticks += Number(fields[11]) + Number(fields[12]);
	}
	return ticks * TICK_MS;
}

async function encode(query) {
	const r = await fetch(`${base}/encode?${query}`);
	if (!r.ok) throw new Error(`${query}: ${r.status} ${await r.text()}`);
	return r.json();
}

/** `reps` timed encodes: each one's wall time inside the Worker, and their CPU time, mean and largest. */
async function measure(query) {
	const runs = [];
	const cpus = [];
	for (let i = 0; i < reps; i++) {
		const cpu0 = cpuMs();
		runs.push(await encode(query));
		cpus.push(cpuMs() - cpu0);
	}
	return { runs, cpu: cpus.reduce((a, b) => a + b, 0) / reps, cpuMax: Math.max(...cpus) };
}

pids = workerds();
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const load0 = loadavg();
// The Worker's own workerd is the one wrangler gives an inspector address.
const workerPid = pids.find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("--inspector-addr")) ?? pids[0];
const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${workerPid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const rss0 = rssMiB();

if (process.env.QUALITIES) {
	const side = SIDES[0];
	await fetch(`${base}/frame?w=${side}&h=${side}`, { method: "POST", body: frame(side) });
	const cases = [...process.env.QUALITIES.split(",").map((q) => ["avif", Number(q)]), ["webp", 85], ["jpeg", 85]];
	const rows = [];
	for (const [format, quality] of cases) {
		const r = await encode(`format=${format}&quality=${quality}&speed=${SPEEDS[0]}&score=1`);
		rows.push({
			format,
			quality,
			KB: (r.bytes / 1024).toFixed(1),
			"bits/px": ((8 * r.bytes) / (side * side)).toFixed(3),
			"PSNR dB": r.psnr.toFixed(2),
			SSIM: r.ssim.toFixed(4),
		});
	}
	stop();
	console.log(`\n${side}x${side} frame, AVIF at speed ${SPEEDS[0]}`);
	const columns = Object.keys(rows.find((r) => r["webp KB"] !== undefined) ?? rows[0]);
	console.log(table(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""])))));
	process.exit(0);
}

const MiB = 1024 * 1024;
const rows = [];
let warmed = false;
for (const side of SIDES) {
	await fetch(`${base}/frame?w=${side}&h=${side}`, { method: "POST", body: frame(side) });
	for (const [n, speed] of SPEEDS.entries()) {
		const q = `format=avif&quality=${QUALITY}&speed=${speed}`;
		let runs = [];
		let cpu = 0;
		let cpuMax = 0;
		try {
			// V8 runs wasm in its baseline tier first: untimed calls before the first timed ones.
			if (!warmed) for (let i = 0; i < 2; i++) await encode(q);
			warmed = true;
			({ runs, cpu, cpuMax } = await measure(q));
		} catch (err) {
			// A frame too large for the isolate: say so in the table and go on with the next side.
			console.error(`${side} px, speed ${speed}: ${String(err).slice(0, 200)}`);
			rows.push({ side, MP: ((side * side) / 1e6).toFixed(2), speed, "avif p50 ms": "failed" });
			runs = [];
			continue;
		}
		const ms = runs.map((r) => r.ms);
		const row = {
			side,
			MP: ((side * side) / 1e6).toFixed(2),
			speed,
			"avif p50 ms": median(ms).toFixed(0),
			"avif max ms": Math.max(...ms).toFixed(0),
			"avif cpu ms": cpu.toFixed(0),
			"avif cpu max": cpuMax.toFixed(0),
			"avif KB": (runs[0].bytes / 1024).toFixed(1),
			"heap MiB": (Math.max(...runs.map((r) => r.heap)) / MiB).toFixed(1),
			"heap B/px": (Math.max(...runs.map((r) => r.heap)) / (side * side)).toFixed(1),
		};
		if (n === 0) {
			const webp = await measure("format=webp&quality=85");
			const jpeg = await measure("format=jpeg&quality=85");
			row["webp p50 ms"] = median(webp.runs.map((r) => r.ms)).toFixed(0);
			row["webp cpu ms"] = webp.cpu.toFixed(0);
			row["webp KB"] = (webp.runs[0].bytes / 1024).toFixed(1);
			row["jpeg p50 ms"] = median(jpeg.runs.map((r) => r.ms)).toFixed(0);
			row["jpeg cpu ms"] = jpeg.cpu.toFixed(0);
			row["jpeg KB"] = (jpeg.runs[0].bytes / 1024).toFixed(1);
		}
		rows.push(row);
		console.error(JSON.stringify(row));
	}
}
// What the encodes leave behind: each had its own instance, so once the largest is over and a
// few small ones have run (and V8 has collected), the isolate's memory is back near its start.
const rssAfterLargest = rssMiB();
await fetch(`${base}/frame?w=256&h=256`, { method: "POST", body: frame(256) });
for (let i = 0; i < 20; i++) await encode(`format=avif&quality=${QUALITY}&speed=${SPEEDS[0]}`);
await new Promise((r) => setTimeout(r, 2000));
const rssSettled = rssMiB();
stop();
console.log(`\nload average at start ${load0}, at end ${loadavg()}`);
console.log(
	`worker RSS: ${rss0.toFixed(0)} MiB at start, ${rssAfterLargest.toFixed(0)} after the last side, ${rssSettled.toFixed(0)} after 20 more 256 px encodes`,
);
console.log(
	`AVIF quality ${QUALITY}, ${reps} runs per cell, square frames tiled from the photo fixtures; times inside workerd`,
);
const columns = Object.keys(rows.find((r) => r["webp KB"] !== undefined) ?? rows[0]);
console.log(table(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? ""])))));
