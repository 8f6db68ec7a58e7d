// Bench-only Worker: decodes a posted image and runs the OCR pipeline on it,
// timing each stage inside workerd; also scores a transcript with the same
// CER function the tests use, so every engine in the table is scored alike.
// Models come from the app's own registry (src/models), so the engine is the
// one the app would pick from this Worker's variables (OCR_ENGINE), and the
// app itself answers every /api/ path (/api/models, /api/status) from the
// same isolate, so what it reports is the state this Worker's runs left.
import { createApp } from "../../src/app";
import { decodeImage, probeImage } from "../../src/codecs";
import type { Env } from "../../src/lib/config";
import { turnClockwise } from "../../src/lib/orient";
import { modelFiles, modelRegistry } from "../../src/models";
import { OCR_MODEL_NAMES, ocrModelSet } from "../../src/ocr/models";
import { recognize } from "../../src/ocr/pipeline";
import { resize } from "../../src/ocr/resample";
import { cer, wer } from "../../test/helpers/cer";

const app = createApp();

/** The three OCR models, loaded (if they are not) and held for `work`, as the OCR route holds them. */
async function withModels<T>(env: Env, work: (models: Awaited<ReturnType<typeof ocrModelSet>>) => Promise<T>) {
	const registry = modelRegistry(env);
	return registry.use([...OCR_MODEL_NAMES], async () =>
		work(await ocrModelSet(await registry.entries(), modelFiles(env))),
	);
}

async function run(req: Request, env: Env, url: URL): Promise<Response> {
	const bytes = new Uint8Array(await req.arrayBuffer());
	return withModels(env, async (models) => {
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
		});
	});
}

export default {
	async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
		const url = new URL(req.url);
		if (url.pathname === "/health") return new Response("ok");
		if (url.pathname.startsWith("/api/")) return app.fetch(req, env, ctx);
		if (url.pathname === "/load") {
			const t0 = performance.now();
			await withModels(env, async () => undefined);
			return Response.json({ ms: performance.now() - t0 });
		}
		if (url.pathname === "/cer") {
			const { hypothesis, reference } = (await req.json()) as { hypothesis: string; reference: string };
			return Response.json({ ...cer(hypothesis, reference), words: wer(hypothesis, reference) });
		}
		if (url.pathname === "/run") return run(req, env, url);
		return new Response("not found", { status: 404 });
	},
};
