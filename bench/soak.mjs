// bench/soak: 500 mixed requests against `wrangler dev` (OCR, every filter,
// probes, bad inputs, an unload/load cycle every 100), printing the workerd
// process's RSS at 50, 250 and 500 requests and the peak wasm memory reported
// by /api/status. Target: RSS at 500 within 10% of RSS at 50; peak under budget.
// The RSS is that of the workerd running the Worker; the front process (proxy
// and assets server) is printed beside it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { photoJpeg } from "./lib/images.mjs";
import { connectInspector, ensureWebSocket } from "./lib/inspector.mjs";
import { ROOT, residentByKind, rssMb, startServer, table } from "./lib/server.mjs";

if (await ensureWebSocket()) process.exit();

const TOTAL = Number(process.env.REQUESTS ?? 500);
// RSS of a garbage-collected runtime swings by the garbage not yet collected
// (the codec heap of each JPEG or WebP call, pixel buffers): measured every
// 25 requests it moved 307-341 MB with no trend. So each mark also reports the
// floor, the least RSS over the WINDOW requests up to it, read after each one:
// the live set, which is what grows when something leaks.
const WINDOW = Number(process.env.WINDOW ?? 10);
// UNLOAD_EVERY=0 leaves the cycles out, to tell their effect on RSS from the rest.
const UNLOAD_EVERY = Number(process.env.UNLOAD_EVERY ?? 100);
const fixture = (p) => new Uint8Array(readFileSync(join(ROOT, "test", "fixtures", p)));
const label = fixture("dev_en_label_01.jpg");
const photo = (await photoJpeg("apple", 1.0)).bytes;
// MIX=ocr or MIX=style sends only that kind of work (the rest of the mix is left out),
// to tell which part of it grows the RSS; PORT moves the server so two can run at once.
const MIX = process.env.MIX ?? "all";
const PORT = Number(process.env.PORT ?? 8792);
const INSPECTOR_PORT = PORT + 1447;
// wrangler dev runs the local Cache API in the Worker's own workerd process, where every stored
// result stays resident: 450 styled previews grew that process by 45.6 MB with it and 12.4 MB
// without it. On the edge the Cache API lives outside the isolate, so by default the soak
// turns the app's edge tier off (CACHE_EDGE=off) and measures the app; EDGE=on keeps it.
const EDGE = process.env.EDGE ?? "off";
const server = await startServer({
	port: PORT,
	inspectorPort: INSPECTOR_PORT,
	vars: EDGE === "on" ? {} : { CACHE_EDGE: "off" },
});
const filters = ["sketch", "color_sketch", "oil", "watercolor", "edge_preserving", "detail_enhance"];
const statuses = {};
const samples = [];
const marks = [50, 250, 500, TOTAL];
let floor = Number.POSITIVE_INFINITY;
let peakWasm = 0;

const serverErrors = [];

async function call(path, init) {
	const res = await fetch(`${server.url}${path}`, init);
	const body = await res.arrayBuffer();
	statuses[res.status] = (statuses[res.status] ?? 0) + 1;
	// The soak is sequential, so no 5xx is expected: keep what each one said.
	if (res.status >= 500) serverErrors.push(`${path} -> ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
	return res;
}

const raw = (body, type = "image/jpeg") => ({ method: "POST", body, headers: { "content-type": type } });

let inspector;
try {
	const pid = server.workerPid();
	const front = server.workerdPids().filter((p) => p !== pid);
	if (!pid) throw new Error("the Worker's workerd process was not found");
	inspector = await connectInspector(INSPECTOR_PORT);
	const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
	for (let i = 1; i <= TOTAL; i++) {
		const kind = MIX === "ocr" ? 4 : MIX === "style" ? i % 4 : i % 10;
		// Vary an option so most styled requests miss the cache and really run.
		if (kind <= 3) await call(`/api/style/${filters[i % filters.length]}?max_side=${512 + (i % 97)}`, raw(photo));
		// A new min_confidence is a new cache key, so every OCR request really runs.
		else if (kind <= 5) await call(`/api/ocr?min_confidence=${(0.3 + i / 10000).toFixed(4)}`, raw(label));
		else if (kind === 6) await call("/api/probe", raw(photo));
		else if (kind === 7) await call("/api/probe", raw(label.slice(0, 300)));
		else if (kind === 8) await call("/api/style/oil", raw(new TextEncoder().encode("not an image"), "text/plain"));
		else await call(`/api/styles?names=sketch,oil&max_side=${300 + (i % 50)}`, raw(photo));
		if (i % 25 === 0) {
			const status = await (await fetch(`${server.url}/api/status`)).json();
			peakWasm = Math.max(
				peakWasm,
				(status.data?.memory?.kernel_wasm_peak_bytes ?? 0) + (status.data?.memory?.ocr_wasm_peak_bytes ?? 0),
			);
		}
		const next = marks.find((m) => m >= i);
		if (next !== undefined && next - i < WINDOW) floor = Math.min(floor, rssMb(pid));
		if (marks.includes(i) && !samples.some((r) => r.requests === i)) {
			const status = (await (await fetch(`${server.url}/api/status`)).json()).data;
			const heap = await inspector.heapUsage();
			const kinds = residentByKind(pid);
			samples.push({
				requests: i,
				rss_mb: rssMb(pid).toFixed(1),
				rss_floor_mb: floor.toFixed(1),
				// The same RSS by kind of mapping: JIT code, other anonymous memory, mapped files.
				code_mb: kinds.code.toFixed(1),
				anon_mb: kinds.anon.toFixed(1),
				file_mb: kinds.file.toFixed(1),
				front_rss_mb: rssMb(front).toFixed(1),
				wasm_mb: mb(status.memory.wasm_total_bytes),
				cache_mb: mb(status.cache.bytes),
				// The isolate's V8 heap, garbage included: what the JavaScript side holds and reserves.
				js_used_mb: mb(heap.used),
				js_total_mb: mb(heap.total),
				backing_mb: mb(heap.backing),
				// ORT runtimes built / revived, and dropped heaps not yet collected.
				ort_started_revived_alive: ((r) => `${r.started}/${r.revived}/${r.dropped_alive}`)(status.models.ocr_runtime),
				rss_after_cycle_mb: "",
			});
			floor = Number.POSITIVE_INFINITY;
		}
		// The unload/load cycle comes after the sample: RSS at i is after exactly i requests. The
		// sample's row also gets the RSS just after the cycle, when the dropped runtime's heap has
		// not been collected yet and the new one already exists.
		if (UNLOAD_EVERY > 0 && i % UNLOAD_EVERY === 0) {
			await call("/api/models/unload", { method: "POST" });
			await call("/api/models/det/load", { method: "POST" });
			const row = samples.find((r) => r.requests === i);
			if (row) row.rss_after_cycle_mb = rssMb(pid).toFixed(1);
		}
	}
	console.log(table(samples));
	const growth = (key) => {
		const first = Number(samples[0][key]);
		return `${(((Number(samples.at(-1)[key]) - first) / first) * 100).toFixed(1)}%`;
	};
	console.log(
		`RSS growth of the Worker's workerd process, 50 -> ${TOTAL}: ${growth("rss_mb")} at the marks, ${growth("rss_floor_mb")} of the floors over the last ${WINDOW} requests (target within 10%)`,
	);
	const first = Number(samples[0].rss_mb);
	const lastAfter = Number(samples.at(-1).rss_after_cycle_mb);
	if (lastAfter) {
		console.log(
			`the same with the RSS right after the last unload/load cycle: ${(((lastAfter - first) / first) * 100).toFixed(1)}%`,
		);
	}
	console.log(`peak wasm memory reported: ${(peakWasm / 1024 / 1024).toFixed(1)} MB`);
	console.log(`mix: ${MIX}; unload/load cycle every ${UNLOAD_EVERY || "never"}; edge cache tier ${EDGE}`);
	console.log(`statuses: ${JSON.stringify(statuses)}`);
	for (const line of serverErrors) console.log(`server error: ${line}`);
} finally {
	inspector?.close();
	server.stop();
}
