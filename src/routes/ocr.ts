import { Hono } from "hono";
import { resultKey } from "../cache";
import { decodeToFit, planDecode } from "../codecs";
import { UnprocessableError } from "../lib/errors";
import { md5Hex } from "../lib/md5";
import { admission, admitImage, ocrReservation } from "../memory";
import { modelFiles, modelRegistry } from "../models";
import { outputBytes, parseOcrOutput, renderOcr } from "../ocr/formats";
import { OCR_VIEW_SIDE } from "../ocr/memory";
import { type OcrOptions, resolveOcrOptions } from "../ocr/options";
import { ocrVersion, readUpload } from "../ocr/readUpload";
import { optionsOf, readImageUpload, serveCached, serverTiming } from "./respond";
import type { AppEnv } from "./types";

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

/**
 * POST /api/ocr: the text of an upload, each line and each of its words with
 * a confidence and four corners in the coordinates of the upload as displayed
 * (after EXIF orientation), in reading order, and the turn the page needed to
 * be read upright: the OcrDocument of src/ocr/document.ts.
 */
export const ocrRoutes = new Hono<AppEnv>().post("/", async (c) => {
	const upload = await readImageUpload(c);
	const options = parseOptions(optionsOf(c, upload));
	const choice = parseOcrOutput(optionsOf(c, upload));
	const source = { models: modelRegistry(c.env), readFile: modelFiles(c.env) };
	const key = await resultKey({
		inputMd5: await md5Hex(upload.bytes),
		operation: "ocr",
		options: { ...options, ...choice },
		version: await ocrVersion(source),
	});
	return serveCached(c, {
		key,
		negotiated: false,
		json: choice.output === "json",
		compute: async () => {
			const gate = admission(c.env);
			// The view shrinks (not below 960) when the runtime and its pixels would not fit the budget.
			const { plan, ticket } = await admitImage(gate, "ocr", upload.bytes, c.get("config").limits, (info) => {
				const r = ocrReservation(
					(side) => planDecode(upload.bytes, info, side),
					options.det_limit_side,
					OCR_VIEW_SIDE,
					gate.budgetBytes,
				);
				return { ...r, bytes: r.bytes + outputBytes(choice, info, r.plan, upload.bytes.length) };
			});
			try {
				const doc = await readUpload(source, { bytes: upload.bytes, plan }, options);
				const output = choice.output;
				if (output !== "json") {
					// The PDF of a non-JPEG upload shows the view that was read, decoded again under the same ticket.
					const view = async () => (await decodeToFit(upload.bytes, plan)).pixels;
					const rendered = await renderOcr({ ...choice, output }, doc, { upload: upload.bytes, info: plan.info, view });
					return { ...rendered, headers: { "server-timing": serverTiming(doc.timings) } };
				}
				return {
					body: new TextEncoder().encode(JSON.stringify(doc)),
					contentType: "application/json; charset=utf-8",
					headers: { "server-timing": serverTiming(doc.timings) },
				};
			} finally {
				ticket.release();
			}
		},
	});
});
