// Bench-only Worker: decodes a posted image and runs the OCR pipeline on it,
// timing each stage inside workerd; also scores a transcript with the same
// CER function the tests use, so every engine in the table is scored alike.
import { decodeImage, probeImage } from "../../src/codecs";
import { turnClockwise } from "../../src/lib/orient";
import { runtimeStatus, wasmPeakBytes } from "../../src/ocr/inference";
import { ensureOcrModels } from "../../src/ocr/models";
import { recognize } from "../../src/ocr/pipeline";
import { resize } from "../../src/ocr/resample";
import { cer } from "../../test/helpers/cer";

interface Env {
	MODELS: Fetcher;
}

export default {
	async fetch(req: Request, env: Env): Promise<Response> {
		const url = new URL(req.url);
		if (url.pathname === "/health") return new Response("ok");
		if (url.pathname === "/load") {
			const t0 = performance.now();
			await ensureOcrModels(env.MODELS);
			return Response.json({ ms: performance.now() - t0, ...runtimeStatus() });
		}
		if (url.pathname === "/cer") {
			const { hypothesis, reference } = (await req.json()) as { hypothesis: string; reference: string };
			return Response.json(cer(hypothesis, reference));
		}
		if (url.pathname === "/run") {
			const bytes = new Uint8Array(await req.arrayBuffer());
			const models = await ensureOcrModels(env.MODELS);
			const t0 = performance.now();
			let pixels = await decodeImage(bytes, probeImage(bytes));
			const decode = performance.now() - t0;
			// ?scale=k enlarges the decoded image (untimed) to probe memory and time on large inputs.
			const scale = Number(url.searchParams.get("scale") ?? 1);
			let scaled = 0;
			if (scale !== 1) {
				const t = performance.now();
				pixels = resize(pixels, Math.round(pixels.width * scale), Math.round(pixels.height * scale));
				scaled = performance.now() - t;
			}
			// ?turn=90|180|270 turns it (untimed), as a photo taken sideways with no EXIF tag would lie.
			const turn = Number(url.searchParams.get("turn") ?? 0);
			if (turn === 90 || turn === 180 || turn === 270) {
				const t = performance.now();
				pixels = turnClockwise(pixels, turn);
				scaled += performance.now() - t;
			}
			const result = await recognize(pixels, {}, models);
			const e2e = performance.now() - t0 - scaled;
			return Response.json({
				text: result.text,
				width: pixels.width,
				height: pixels.height,
				orientation: result.orientation,
				timings: { ...result.timings, decode, e2e },
				wasmPeak: wasmPeakBytes(),
			});
		}
		return new Response("not found", { status: 404 });
	},
};
