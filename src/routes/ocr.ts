import { Hono } from "hono";
import { resultKey } from "../cache";
import { decodeToFit, planDecode } from "../codecs";
import { UnprocessableError } from "../lib/errors";
import { md5Hex } from "../lib/md5";
import { admission, admitImage, ocrReservation } from "../memory";
import { modelFiles, modelRegistry } from "../models";
import { OCR_VIEW_SIDE } from "../ocr/memory";
import { OCR_MODEL_NAMES, ocrModelSet, ocrModelVersion } from "../ocr/models";
import { type OcrOptions, recognize, resolveOcrOptions } from "../ocr/pipeline";
import { optionsOf, readImageUpload, serveCached, serverTiming } from "./respond";
import type { AppEnv } from "./types";

const MODEL_LABEL = "PP-OCRv4 mobile (det, cls 0/180, rec ch) via onnxruntime-web wasm";

/** Query or form strings to options; the ranges are the pipeline's own (resolveOcrOptions). */
function parseOptions(raw: Record<string, string>): Required<OcrOptions> {
	const options: OcrOptions = {};
	const given = (key: string) => raw[key] !== undefined && raw[key] !== "";
	if (given("det_limit_side")) options.det_limit_side = Number(raw.det_limit_side);
	if (given("min_confidence")) options.min_confidence = Number(raw.min_confidence);
	if (given("classify")) {
		const v = raw.classify!.toLowerCase();
		if (!["true", "false", "1", "0"].includes(v)) {
			throw new UnprocessableError("invalid_parameter", "classify must be true or false", { parameter: "classify" });
		}
		options.classify = v === "true" || v === "1";
	}
	return resolveOcrOptions(options);
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
			const gate = admission(c.env);
			// The view shrinks (not below 960) when the runtime and its pixels would not fit the budget.
			const { plan, ticket } = await admitImage(gate, "ocr", upload.bytes, c.get("config").limits, (info) =>
				ocrReservation(
					(side) => planDecode(upload.bytes, info, side),
					options.det_limit_side,
					OCR_VIEW_SIDE,
					gate.budgetBytes,
				),
			);
			try {
				const t0 = performance.now();
				const image = await decodeToFit(upload.bytes, plan);
				const decode = performance.now() - t0;
				const result = await registry.use([...OCR_MODEL_NAMES], async () =>
					recognize(image.pixels, options, await ocrModelSet(entries, modelFiles(c.env))),
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
