// bench/memory: a 12 MP JPEG styled at the default preview size (1024), one
// fresh `wrangler dev` per filter so each filter's wasm memory is its own.
// Prints the kernel's wasm memory, the codec heap left after the request, the
// admission reservation (decode peak) and the workerd process's RSS.

import { join } from "node:path";
import { decodePng, encodeJpeg, resizeBilinear } from "./lib/images.mjs";
import { ROOT, rssMb, startServer, table } from "./lib/server.mjs";

const FILTERS = ["sketch", "color_sketch", "watercolor", "oil", "edge_preserving", "detail_enhance"];
const src = await decodePng(join(ROOT, "..", "shared", "fixtures", "npr", "orange.input.png"));
const photo = await encodeJpeg(resizeBilinear(src, 4000, 3000), 85);
console.log(`input: orange upscaled to 4000x3000 (12 MP) JPEG, ${(photo.length / 1e6).toFixed(1)} MB`);
const MB = (b) => (b / 1024 / 1024).toFixed(1);
const rows = [];
for (const name of FILTERS) {
	const server = await startServer({ port: 8794 });
	try {
		const pid = server.workerPid();
		const idle = rssMb(pid);
		const res = await fetch(`${server.url}/api/style/${name}?format=jpeg`, {
			method: "POST",
			body: photo,
			headers: { "content-type": "image/jpeg" },
		});
		if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
		await res.arrayBuffer();
		const status = (await (await fetch(`${server.url}/api/status`)).json()).data;
		rows.push({
			filter: name,
			preview: "1024x768",
			kernel_wasm_mb: MB(status.memory.kernel_wasm_peak_bytes),
			kernel_b_per_preview_px: (status.memory.kernel_wasm_peak_bytes / (1024 * 768)).toFixed(1),
			codec_heap_after_mb: MB(status.memory.codec_wasm_bytes),
			reserved_peak_mb: MB(status.admission.peak_reserved_bytes),
			rss_idle_mb: idle.toFixed(0),
			rss_after_mb: rssMb(pid).toFixed(0),
		});
	} finally {
		server.stop();
		await new Promise((r) => setTimeout(r, 1500));
	}
}
console.log(table(rows));
console.log("decoded 12 MP RGBA alone is 45.8 MB; kernel memory is the preview's working set only");
