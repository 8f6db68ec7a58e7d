// Bench-only Worker: holds one RGBA image posted by run.mjs and runs a filter
// on it per request, so the driver can time the filter inside workerd.
import { applyFilter, filterWorkingSetBytes, kernelMemoryBytes, releaseKernel } from "../../src/filters";
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
