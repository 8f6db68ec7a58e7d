import { Hono } from "hono";
import { resultKey } from "../cache";
import { checkDimensions, decodeToFit, probeImage } from "../codecs";
import { UnprocessableError } from "../lib/errors";
import { md5Hex } from "../lib/md5";
import { modelRegistry } from "../models";
import { admission, estimateWorkingSet, previewSize } from "../models/limits";
import { OCR_MODEL_NAMES, ocrModelSet, ocrModelVersion } from "../ocr/models";
import { OCR_DEFAULTS, type OcrOptions, recognize } from "../ocr/pipeline";
import { serveCached, serverTiming } from "./cached";
import { optionsOf, readImageUpload } from "./respond";
import type { AppEnv } from "./types";

/**
 * Uploads are read at up to this side: detection runs on a smaller copy, but
 * every line is cut from this one, so small print keeps its strokes.
 */
const OCR_MAX_SIDE = 2048;
const MODEL_LABEL = "PP-OCRv4 mobile (det, cls 0/180, rec ch) via onnxruntime-web wasm";

function parseOptions(raw: Record<string, string>): Required<OcrOptions> {
	const bad = (parameter: string, message: string) =>
		new UnprocessableError("invalid_parameter", message, { parameter });
	const out: Required<OcrOptions> = { ...OCR_DEFAULTS };
	if (raw.det_limit_side !== undefined && raw.det_limit_side !== "") {
		const n = Number(raw.det_limit_side);
		if (!Number.isInteger(n) || n < 32 || n > 4096)
			throw bad("det_limit_side", "det_limit_side must be an integer from 32 to 4096");
		out.det_limit_side = n;
	}
	if (raw.min_confidence !== undefined && raw.min_confidence !== "") {
		const n = Number(raw.min_confidence);
		if (!(n >= 0 && n <= 1)) throw bad("min_confidence", "min_confidence must be a number from 0 to 1");
		out.min_confidence = n;
	}
	if (raw.classify !== undefined && raw.classify !== "") {
		const v = raw.classify.toLowerCase();
		if (!["true", "false", "1", "0"].includes(v)) throw bad("classify", "classify must be true or false");
		out.classify = v === "true" || v === "1";
	}
	return out;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * POST /api/ocr: the text of an upload, and each line with its confidence and
 * its four corners in the coordinates of the upload as displayed (after EXIF
 * orientation), reading order top to bottom, left to right.
 */
export const ocrRoutes = new Hono<AppEnv>().post("/", async (c) => {
	const upload = await readImageUpload(c);
	const options = parseOptions(optionsOf(c, upload));
	const registry = modelRegistry(c.env);
	const entries = await registry.entries();
	const version = ocrModelVersion(entries);
	const key = await resultKey({
		inputMd5: await md5Hex(upload.bytes),
		operation: "ocr",
		options: { ...options },
		version,
	});
	return serveCached(c, {
		key,
		negotiated: false,
		json: true,
		compute: async () => {
			const info = probeImage(upload.bytes);
			checkDimensions(info, c.get("limits"));
			const preview = previewSize(info.width, info.height, OCR_MAX_SIDE);
			// The upload's pixels, the detector's copy and map, and line crops: about 12 bytes a preview pixel.
			const ticket = await admission(c.env).acquire(
				"ocr",
				estimateWorkingSet(info.width, info.height, 12 * preview.width * preview.height),
			);
			try {
				const t0 = performance.now();
				const image = await decodeToFit(upload.bytes, info, OCR_MAX_SIDE);
				const decode = performance.now() - t0;
				const files = (file: string) => c.env.MODELS.fetch(`https://models.internal/${file}`);
				const result = await registry.use([...OCR_MODEL_NAMES], async () =>
					recognize(image.pixels, options, await ocrModelSet(entries, files)),
				);
				const back = 1 / image.scale;
				const { total, ...stages } = result.timings;
				const timings = { decode, ...stages, total: decode + total };
				const data = {
					text: result.text,
					lines: result.lines.map((l) => ({ ...l, box: l.box.map(([x, y]) => [round1(x * back), round1(y * back)]) })),
					width: image.original.width,
					height: image.original.height,
					model: { name: MODEL_LABEL, version },
					timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round1(v)])),
				};
				return {
					body: new TextEncoder().encode(JSON.stringify(data)),
					contentType: "application/json; charset=utf-8",
					headers: { "server-timing": serverTiming(timings) },
				};
			} finally {
				ticket.release();
			}
		},
	});
});
