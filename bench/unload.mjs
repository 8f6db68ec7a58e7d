// bench/unload: does unloading the OCR models give ORT's heap back?
// Each cycle runs one uncached OCR request (a fresh runtime loads the three
// models and grows its heap), then POST /api/models/unload (the runtime is
// dropped). It prints the RSS of the Worker's workerd process after each
// step. If a dropped heap were kept alive by a leftover reference, RSS would
// climb by about one heap per cycle; if heaps are collected, it stays within
// about one heap of the first cycle. A load that comes before the collector
// has taken the dropped runtime revives it (column `revived`); a new start
// (`runtimes_started`) after cycle 1 means the collector had taken it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, rssMb, startServer, table } from "./lib/server.mjs";

const CYCLES = Number(process.env.CYCLES ?? 8);
const label = new Uint8Array(readFileSync(join(ROOT, "test", "fixtures", "dev_en_label_01.jpg")));
const server = await startServer({ port: 8795 });
const rows = [];

async function status() {
	return (await (await fetch(`${server.url}/api/status`)).json()).data;
}

try {
	const pid = server.workerPid();
	if (!pid) throw new Error("the Worker's workerd process was not found");
	const mib = (b) => (b / 2 ** 20).toFixed(1);
	for (let cycle = 1; cycle <= CYCLES; cycle++) {
		// A new min_confidence is a new cache key, so the request really runs.
		const res = await fetch(`${server.url}/api/ocr?min_confidence=${(0.3 + cycle / 1000).toFixed(3)}`, {
			method: "POST",
			body: label,
			headers: { "content-type": "image/jpeg" },
		});
		if (res.status !== 200) throw new Error(`OCR answered ${res.status}: ${await res.text()}`);
		await res.arrayBuffer();
		const loaded = await status();
		const rssLoaded = rssMb(pid);
		const unload = await fetch(`${server.url}/api/models/unload`, { method: "POST" });
		await unload.arrayBuffer();
		const dropped = await status();
		rows.push({
			cycle,
			ort_heap_mib: mib(loaded.memory.ocr_wasm_bytes),
			rss_loaded_mb: rssLoaded.toFixed(1),
			rss_unloaded_mb: rssMb(pid).toFixed(1),
			runtimes_started: dropped.models.ocr_runtime.started,
			revived: dropped.models.ocr_runtime.revived,
			dropped: dropped.models.ocr_runtime.dropped,
			dropped_alive: dropped.models.ocr_runtime.dropped_alive,
		});
	}
	console.log(table(rows));
	const first = Number(rows[0].rss_loaded_mb);
	const last = Number(rows.at(-1).rss_loaded_mb);
	const heap = Number(rows[0].ort_heap_mib) * 1.048576;
	console.log(
		`RSS with models loaded, cycle 1 -> ${CYCLES}: ${first.toFixed(1)} -> ${last.toFixed(1)} MB ` +
			`(+${(last - first).toFixed(1)} MB; one heap is ${heap.toFixed(1)} MB, ${CYCLES - 1} kept heaps would be +${((CYCLES - 1) * heap).toFixed(0)} MB)`,
	);
} finally {
	server.stop();
}
