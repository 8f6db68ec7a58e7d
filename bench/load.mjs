// bench/load: autocannon against `wrangler dev`. Phase 1: 60 s at concurrency
// 16 on a mix of routes; phase 2: 60 s at concurrency 64 on OCR alone, where
// every request must get a result or a clean 503 with Retry-After: no other
// 5xx and no dropped connections.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { photoJpeg } from "./lib/images.mjs";
import { ROOT, startServer, table } from "./lib/server.mjs";

const SECONDS = Number(process.env.SECONDS ?? 60);
const label = readFileSync(join(ROOT, "test", "fixtures", "dev_en_label_01.jpg"));
const photo = Buffer.from((await photoJpeg("tools", 0.5)).bytes);
const server = await startServer({ port: 8793 });

function run(opts) {
	return new Promise((resolve, reject) => {
		const statuses = {};
		const instance = autocannon({ url: server.url, duration: SECONDS, timeout: 120, ...opts }, (err, result) =>
			err ? reject(err) : resolve({ result, statuses }),
		);
		instance.on("response", (_client, status) => {
			statuses[status] = (statuses[status] ?? 0) + 1;
		});
		instance.on("reqError", () => {
			statuses.error = (statuses.error ?? 0) + 1;
		});
	});
}

const post = (path, body, type = "image/jpeg") => ({ method: "POST", path, body, headers: { "content-type": type } });
try {
	const mixed = await run({
		connections: 16,
		requests: [
			post("/api/style/sketch?max_side=512&format=jpeg", photo),
			post("/api/probe", photo),
			post("/api/ocr", label),
			post("/api/style/oil?max_side=384&format=webp", photo),
			{ method: "GET", path: "/api/status" },
		],
	});
	const ocr = await run({ connections: 64, requests: [post("/api/ocr", label)] });
	const row = (name, { result, statuses }) => ({
		phase: name,
		req_per_s: result.requests.average.toFixed(1),
		p50_ms: result.latency.p50,
		p99_ms: result.latency.p99,
		total: result.requests.total,
		errors: result.errors,
		timeouts: result.timeouts,
		statuses: JSON.stringify(statuses),
	});
	console.log(table([row("mixed c=16", mixed), row("ocr c=64", ocr)]));
	const bad = Object.entries(ocr.statuses).filter(([s]) => s === "error" || (Number(s) >= 500 && s !== "503"));
	console.log(
		bad.length === 0 && ocr.result.errors === 0
			? "ocr c=64: only results and 503s"
			: `ocr c=64: unexpected ${JSON.stringify(bad)}`,
	);
} finally {
	server.stop();
}
