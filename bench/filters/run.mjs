#!/usr/bin/env node
// Filter benchmark: median ms per filter inside workerd (wrangler dev) beside
// native OpenCV (Debian python3-opencv, one thread) on the same frames, in one
// run. Usage: node bench/filters/run.mjs [reps]   (default 3)
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "bench", "out");
const reps = Number(process.argv[2] ?? 3);
const PORT = 8799;
const SIDES = [1000, 2000];
const CASES = [
	["sketch", "sketch", ""],
	["color_sketch", "color_sketch", ""],
	["watercolor", "watercolor", ""],
	["oil", "oil", ""],
	["edge_preserving_rf", "edge_preserving", "&flags=1"],
	["edge_preserving_nc", "edge_preserving", "&flags=2"],
	["detail_enhance", "detail_enhance", ""],
];

mkdirSync(out, { recursive: true });
// Frames: the tools photo upscaled (bicubic) to side x side, raw RGBA.
const frames = SIDES.map((s) => ({ w: s, h: s, path: join(out, `tools.${s}x${s}.rgba`) }));
const mk = spawnSync("/usr/bin/python3", [
	"-c",
	`import cv2,numpy as np,sys
I=cv2.imread(sys.argv[1])
for a in sys.argv[2:]:
    p,s=a.split(","); s=int(s); J=cv2.resize(I,(s,s),interpolation=cv2.INTER_CUBIC)
    np.dstack([J[:,:,::-1],np.full((s,s),255,np.uint8)]).tofile(p)`,
	join(root, "test/fixtures/tools.input.png"),
	...frames.map((f) => `${f.path},${f.w}`),
]);
if (mk.status !== 0) throw new Error(`frame generation failed: ${mk.stderr}`);

const base = `http://127.0.0.1:${PORT}`;
const dev = spawn(
	"npx",
	["wrangler", "dev", "-c", "bench/filters/wrangler.toml", "--port", String(PORT), "--ip", "127.0.0.1"],
	{
		cwd: root,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	},
);
const stop = () => {
	try {
		process.kill(-dev.pid, "SIGTERM");
	} catch {}
};
process.on("exit", stop);

async function waitReady() {
	for (let i = 0; i < 120; i++) {
		try {
			if ((await fetch(`${base}/noop`)).ok) return;
		} catch {}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error("wrangler dev did not start");
}

async function timed(url) {
	const t0 = performance.now();
	const r = await fetch(url);
	const body = await r.text();
	if (!r.ok) throw new Error(`${url}: ${r.status} ${body}`);
	return { ms: performance.now() - t0, body };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await waitReady();
const worker = {};
const memory = {};
let warmed = false;
for (const f of frames) {
	await fetch(`${base}/image?w=${f.w}&h=${f.h}`, { method: "POST", body: readFileSync(f.path) });
	const noop = [];
	for (let i = 0; i < 9; i++) noop.push((await timed(`${base}/noop`)).ms);
	const overhead = median(noop);
	for (const [label, name, extra] of CASES) {
		await fetch(`${base}/reset`);
		const url = `${base}/run?name=${name}${extra}`;
		// V8 first runs wasm in its baseline tier; optimized code is used from
		// a later call on, so two untimed calls precede the timed ones.
		if (!warmed) for (let i = 0; i < 2; i++) await timed(url);
		const ts = [];
		let info;
		for (let i = 0; i < reps; i++) {
			const r = await timed(url);
			ts.push(r.ms - overhead);
			info = JSON.parse(r.body);
		}
		worker[`${f.w}x${f.h}:${label}`] = median(ts);
		memory[`${f.w}x${f.h}:${label}`] = info;
	}
	warmed = true;
}
stop();

const cv = spawnSync(
	"/usr/bin/python3",
	[join(root, "bench/filters/opencv.py"), String(reps), ...frames.map((f) => `${f.path},${f.w},${f.h}`)],
	{
		encoding: "utf8",
		maxBuffer: 1 << 20,
	},
);
if (cv.status !== 0) throw new Error(`opencv timing failed: ${cv.stderr}`);
const opencv = JSON.parse(cv.stdout);

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(
	`\nfilters: median of ${reps} runs, tools photo upscaled; workerd = wrangler dev, OpenCV ${"4.6"} 1 thread`,
);
console.log(
	`${pad("frame", 11)}${pad("filter", 20)}${lpad("workerd ms", 11)}${lpad("opencv ms", 11)}${lpad("ratio", 8)}${lpad("wasm MiB", 10)}${lpad("kernel B/px", 13)}`,
);
for (const f of frames) {
	for (const [label] of CASES) {
		const key = `${f.w}x${f.h}:${label}`;
		const m = memory[key];
		console.log(
			`${pad(`${f.w}x${f.h}`, 11)}${pad(label, 20)}${lpad(worker[key].toFixed(1), 11)}${lpad(opencv[key].toFixed(1), 11)}${lpad((worker[key] / opencv[key]).toFixed(2), 8)}${lpad((m.memory / 2 ** 20).toFixed(1), 10)}${lpad((m.workingSet / (f.w * f.h)).toFixed(2), 13)}`,
		);
	}
}
process.exit(0);
