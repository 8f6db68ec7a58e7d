// Bench-only Worker: holds one RGBA image posted by run.mjs and runs a filter
// on it per request, so the driver can time the filter inside workerd.
import {
	applyFilter,
	filterStrips,
	filterWorkingSetBytes,
	kernelMemoryBytes,
	pixelRows,
	releaseKernel,
} from "../../src/filters";
import type { Pixels } from "../../src/lib/pixels";

let image: Pixels | null = null;

function paramsOf(url: URL): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [k, v] of url.searchParams) if (k !== "name") out[k] = Number(v);
	return out;
}

export default {
	async fetch(req: Request): Promise<Response> {
		const url = new URL(req.url);
		if (url.pathname === "/noop") return new Response("ok");
		if (url.pathname === "/image") {
			const w = Number(url.searchParams.get("w"));
			const h = Number(url.searchParams.get("h"));
			image = { data: new Uint8ClampedArray(await req.arrayBuffer()), width: w, height: h };
			return new Response("ok");
		}
		if (url.pathname === "/reset") {
			releaseKernel();
			return new Response("ok");
		}
		if (url.pathname === "/strips" && image) {
			// The frame (or its first `rows` rows, to warm up) in strips, for
			// full.mjs. The kernel is kept, as the app keeps it: a fresh one per
			// call would leave the last one's memory to the collector beside
			// the held frame, past the isolate's 128 MB. The rows go to a sink
			// that drops them, so no second frame is held.
			const params = paramsOf(url);
			const h = Number(url.searchParams.get("rows") ?? image.height);
			delete params.rows;
			const part = { data: image.data.subarray(0, image.width * 4 * h), width: image.width, height: h };
			const sink = {
				width: part.width,
				height: h,
				heldBytes: 0,
				write: async () => {},
				end: async () => new Uint8Array(0),
				abort() {},
			};
			const t = performance.now();
			const run = await filterStrips(url.searchParams.get("name") ?? "", pixelRows(part), sink, params);
			return Response.json({
				ms: performance.now() - t,
				kernelMs: run.kernelMs,
				kernelBytes: kernelMemoryBytes(),
				strips: run.strips,
			});
		}
		if (url.pathname === "/run" && image) {
			const name = url.searchParams.get("name") ?? "";
			const params = paramsOf(url);
			const out = applyFilter(name, image, params);
			return Response.json({
				width: out.width,
				memory: kernelMemoryBytes(),
				workingSet: filterWorkingSetBytes(name, image.width, image.height, params),
			});
		}
		return new Response("not found", { status: 404 });
	},
};
