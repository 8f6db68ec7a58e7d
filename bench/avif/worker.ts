// Bench-only Worker for bench/avif/run.mjs: holds one RGBA frame posted by the
// driver and encodes it per request with the app's encoders, timing the call
// inside workerd and reporting the heap the AVIF encode ended with.
import { decodeImage, encodeImage, probeImage } from "../../src/codecs";
import { avifLastBytes, encodeAvif } from "../../src/codecs/avif";
import type { Pixels } from "../../src/lib/pixels";
import { avifDecodeReference } from "../../test/helpers/avif";
import { psnr, ssimGray } from "../../test/helpers/metrics";

let frame: Pixels | null = null;

export default {
	async fetch(req: Request): Promise<Response> {
		const url = new URL(req.url);
		if (url.pathname === "/noop") return new Response("ok");
		if (url.pathname === "/frame" && req.method === "POST") {
			frame = null;
			const w = Number(url.searchParams.get("w"));
			const h = Number(url.searchParams.get("h"));
			frame = { data: new Uint8ClampedArray(await req.arrayBuffer()), width: w, height: h };
			return new Response("ok");
		}
		if (url.pathname === "/encode" && frame) {
			const format = url.searchParams.get("format") ?? "avif";
			const quality = Number(url.searchParams.get("quality") ?? 60);
			const speed = Number(url.searchParams.get("speed") ?? 9);
			const t0 = performance.now();
			let bytes: Uint8Array;
			try {
				bytes =
					format === "avif"
						? await encodeAvif(frame, quality, speed)
						: (await encodeImage(frame, { format: format === "webp" ? "webp" : "jpeg", quality })).bytes;
			} catch (err) {
				return new Response(String(err), { status: 500 });
			}
			const ms = performance.now() - t0;
			const heap = format === "avif" ? avifLastBytes() : 0;
			// Quality figures only when asked: decoding back is not part of the timed call.
			if (!url.searchParams.has("score")) return Response.json({ ms, bytes: bytes.byteLength, heap });
			const back = format === "avif" ? await avifDecodeReference(bytes) : await decodeImage(bytes, probeImage(bytes));
			return Response.json({ ms, bytes: bytes.byteLength, heap, psnr: psnr(frame, back), ssim: ssimGray(frame, back) });
		}
		return new Response("not found", { status: 404 });
	},
};
