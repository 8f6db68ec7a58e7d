#!/usr/bin/env node
// Full-size filters in strips: every filter on a 12 MP frame, ours (Node, the
// built kernel, one process per filter) beside OpenCV 4.6 single-threaded
// (Debian python3-opencv) on the same frame, with SSIM against OpenCV's full-
// size output, working set and time ratio.
// Usage: node bench/filters/full.mjs [W H] [filter ...]   (default 4000 3000, all)
// BUDGET=bytes overrides the strip budget (Node runs only), HALO=rows the halo,
// WORKERD=0 skips the workerd runs; REPS=n runs of each side (median).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForNode } from "../lib/bundle.mjs";
import { casesOf } from "./cases.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "bench", "out");
mkdirSync(out, { recursive: true });
const args = process.argv.slice(2);
const W = Number(args[0] ?? 4000);
const H = Number(args[1] ?? 3000);
const CASES = casesOf(args);

const bundle = join(out, "strips.bundle.mjs");
await bundleForNode(join(root, "bench/filters/full-entry.mjs"), bundle);

// The frame: tools.input.png upscaled (bicubic) to W x H, raw RGBA.
const frame = join(out, `tools.${W}x${H}.rgba`);
if (!existsSync(frame)) {
	const mk = spawnSync("/usr/bin/python3", [
		"-c",
		`import cv2,numpy as np,sys
I=cv2.imread(sys.argv[1]); w,h=int(sys.argv[3]),int(sys.argv[4])
J=cv2.resize(I,(w,h),interpolation=cv2.INTER_CUBIC)
np.dstack([J[:,:,::-1],np.full((h,w),255,np.uint8)]).tofile(sys.argv[2])`,
		join(root, "test/fixtures/tools.input.png"),
		frame,
		String(W),
		String(H),
	]);
	if (mk.status !== 0) throw new Error(`frame generation failed: ${mk.stderr}`);
}

// workerd: wrangler dev with the bench Worker, whose /strips runs the same
// strips on a posted frame; there wasm memory accesses are bounds-checked
// (bench/README.md, OCR section). WORKERD=0 skips it.
let base = null;
let stop = () => {};
if (process.env.WORKERD !== "0") {
	const PORT = 8798;
	base = `http://127.0.0.1:${PORT}`;
	const dev = spawn(
		"npx",
		["wrangler", "dev", "-c", "bench/filters/wrangler.toml", "--port", String(PORT), "--ip", "127.0.0.1"],
		{ cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	stop = () => {
		try {
			process.kill(-dev.pid, "SIGTERM");
		} catch {}
	};
	process.on("exit", stop);
	let up = false;
	for (let i = 0; i < 120 && !up; i++) {
		try {
			up = (await fetch(`${base}/noop`)).ok;
		} catch {
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	if (!up) throw new Error("wrangler dev did not start");
	const posted = await fetch(`${base}/image?w=${W}&h=${H}`, { method: "POST", body: readFileSync(frame) });
	if (!posted.ok) throw new Error(`posting the frame: ${posted.status}`);
}

// A kept-alive connection left idle through an OpenCV run may have been
// closed by wrangler dev; undici reports that on reuse, so try once more.
async function call(url) {
	try {
		return await fetch(url);
	} catch {
		return await fetch(url);
	}
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reps = Number(process.env.REPS ?? 1);
const ours = {};
const workerd = {};
const opencv = {};
// One filter at a time, ours then OpenCV, so the machine's load drifts as
// little as possible between the two sides of a ratio.
for (const [label, name, query] of CASES) {
	const dst = join(out, `strips.${label}.${W}x${H}.rgba`);
	const runs = [];
	for (let i = 0; i < reps; i++) {
		const r = spawnSync(
			process.execPath,
			[bundle, frame, String(W), String(H), name, query, dst, process.env.BUDGET ?? "", process.env.HALO ?? ""],
			{ encoding: "utf8", maxBuffer: 1 << 20 },
		);
		if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
		runs.push(JSON.parse(r.stdout.trim().split("\n").pop()));
	}
	ours[label] = { ...runs[0], ms: median(runs.map((r) => r.ms)), kernelMs: median(runs.map((r) => r.kernelMs)) };
	if (base) {
		const url = `${base}/strips?name=${name}${query ? `&${query}` : ""}`;
		await (await call(`${url}&rows=256`)).text();
		const ts = [];
		for (let i = 0; i < reps; i++) {
			const r = await call(url);
			if (!r.ok) throw new Error(`${label} in workerd: ${r.status} ${await r.text()}`);
			ts.push((await r.json()).ms);
		}
		workerd[label] = { ms: median(ts) };
	}
	const cv = spawnSync(
		"/usr/bin/python3",
		[join(root, "bench/filters/opencv_full.py"), frame, String(W), String(H), String(reps), `${label}=${dst}`],
		{ encoding: "utf8", maxBuffer: 1 << 20 },
	);
	if (cv.status !== 0) throw new Error(`opencv failed: ${cv.stderr}`);
	opencv[label] = JSON.parse(cv.stdout)[label];
	console.error(
		`${label}: ours ${ours[label].ms.toFixed(0)} ms, workerd ${workerd[label]?.ms.toFixed(0) ?? "-"} ms, OpenCV ${opencv[label].ms.toFixed(0)} ms`,
	);
}

stop();

const MB = 1e6;
const cols = [
	["filter", 20],
	["band", 6],
	["halo", 6],
	["strips", 7],
	["ours ms", 9],
	["kernel ms", 10],
	["opencv ms", 10],
	["ratio", 7],
	["workerd ms", 11],
	["wd ratio", 9],
	["SSIM", 8],
	["kernel MB", 10],
	["JS MB", 7],
	["peak MB", 8],
	["estimate MB", 12],
];
console.log(
	`\n${W}x${H} (tools photo upscaled, bicubic); ours = Node ${process.version} on build/kernels/npr.wasm, OpenCV 4.6 1 thread`,
);
console.log(cols.map(([c, n], i) => (i === 0 ? c.padEnd(n) : c.padStart(n))).join(""));
for (const [label] of CASES) {
	const o = ours[label];
	const c = opencv[label];
	const js = (4 * W * (o.rows + o.band)) / MB;
	const row = [
		label,
		o.band,
		o.halo,
		o.strips,
		o.ms.toFixed(0),
		o.kernelMs.toFixed(0),
		c.ms.toFixed(0),
		(o.ms / c.ms).toFixed(2),
		workerd[label] ? workerd[label].ms.toFixed(0) : "-",
		workerd[label] ? (workerd[label].ms / c.ms).toFixed(2) : "-",
		c.ssim.toFixed(4),
		(o.kernelBytes / MB).toFixed(1),
		js.toFixed(1),
		(o.kernelBytes / MB + js).toFixed(1),
		(o.bytes / MB).toFixed(1),
	];
	console.log(row.map((v, i) => (i === 0 ? String(v).padEnd(cols[i][1]) : String(v).padStart(cols[i][1]))).join(""));
}
process.exit(0);
