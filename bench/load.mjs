// bench/load: autocannon against `wrangler dev`. Phase 1: 60 s at concurrency
// 16 on a mix of routes; phase 2: 60 s at concurrency 64 on OCR alone, where
// every request must get a result or a clean 503 with Retry-After: no other
// 5xx and no dropped connections. Phase 2 sends one image, so after the
// first request it measures the result cache; phase 3 makes every body unique
// (bytes after the JPEG end marker, which decoders ignore) so each request
// really runs OCR and the admission queue overflows into 503s. A last burst
// checks that every 503 carries Retry-After (autocannon does not show headers).
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
let serial = 0;
/** The label with a counter appended after its end marker: same pixels, a new MD5, so no cache hit. */
const uniqueLabel = () => Buffer.concat([label, Buffer.from(`#${++serial}#${process.pid}`)]);

/** 64 concurrent unique OCR requests by plain fetch; counts statuses and 503s without Retry-After. */
async function retryAfterBurst() {
	const results = await Promise.all(
		Array.from({ length: 64 }, async () => {
			try {
				const res = await fetch(`${server.url}/api/ocr`, {
					method: "POST",
					body: uniqueLabel(),
					headers: { "content-type": "image/jpeg" },
				});
				await res.arrayBuffer();
				return { status: res.status, retryAfter: res.headers.get("retry-after") };
			} catch {
				return { status: "error" };
			}
		}),
	);
	const statuses = {};
	for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
	const missing = results.filter((r) => r.status === 503 && !r.retryAfter).length;
	return { statuses, missing };
}
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
	const uncached = await run({
		connections: 64,
		requests: [{ ...post("/api/ocr", label), setupRequest: (req) => ({ ...req, body: uniqueLabel() }) }],
	});
	const burst = await retryAfterBurst();
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
	const phases = [
		["mixed c=16", mixed],
		["ocr c=64", ocr],
		["ocr c=64 uncached", uncached],
	];
	console.log(table(phases.map(([name, r]) => row(name, r))));
	for (const [name, r] of phases) {
		const bad = Object.entries(r.statuses).filter(([s]) => s === "error" || (Number(s) >= 500 && s !== "503"));
		console.log(
			bad.length === 0 && r.result.errors === 0 && r.result.timeouts === 0
				? `${name}: only results and 503s`
				: `${name}: unexpected ${JSON.stringify(bad)}, errors ${r.result.errors}, timeouts ${r.result.timeouts}`,
		);
	}
	console.log(
		`burst of 64 uncached OCR: ${JSON.stringify(burst.statuses)}; 503s without Retry-After: ${burst.missing}`,
	);
	// Server-side lines about failures, so a 5xx in the table can be traced.
	const failures = server
		.log()
		.split("\n")
		.filter((l) => /unhandled|error|restarted/i.test(l) && !/Request\.cf|getaddrinfo|ENOTFOUND|GetAddrInfo/.test(l));
	if (failures.length) console.log(`server log (${failures.length} lines):\n${failures.slice(0, 20).join("\n")}`);
} finally {
	server.stop();
}
