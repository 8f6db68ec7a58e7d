// bench/memory: a 12 MP JPEG styled at the default preview size (1024), or at
// MAX_SIDE (MAX_SIDE=4000: the full 4000x3000, through the strip pipeline), one
// fresh `wrangler dev` per filter so each filter's wasm memory is its own.
// Prints the kernel's wasm memory, the codec heap left after the request, the
// admission reservation (decode peak) and the workerd process's RSS.

import { join } from "node:path";
import { decodePng, encodeJpeg, resizeBilinear } from "./lib/images.mjs";
import { ROOT, rssMb, startServer, table } from "./lib/server.mjs";

const SIDE = Number(process.env.MAX_SIDE ?? 1024);
const OUT = { width: Math.min(4000, SIDE), height: Math.round((Math.min(4000, SIDE) * 3) / 4) };
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
		const res = await fetch(`${server.url}/api/style/${name}?format=jpeg&max_side=${SIDE}`, {
			method: "POST",
			body: photo,
			headers: { "content-type": "image/jpeg" },
		});
		if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
		await res.arrayBuffer();
		const status = (await (await fetch(`${server.url}/api/status`)).json()).data;
		rows.push({
			filter: name,
			output: `${OUT.width}x${OUT.height}`,
			kernel_wasm_mb: MB(status.memory.kernel_wasm_peak_bytes),
			kernel_b_per_output_px: (status.memory.kernel_wasm_peak_bytes / (OUT.width * OUT.height)).toFixed(1),
			kernel_after_mb: MB(status.memory.kernel_wasm_bytes),
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
console.log(
	"decoded 12 MP RGBA alone is 45.8 MB; kernel memory is the output's working set (a strip's, at full size) only",
);
