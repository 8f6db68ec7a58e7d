import { Hono } from "hono";
import { resultCache, resultKey } from "../cache";
import { decodeToFit, encodeImage, fitSize, planDecode, probeImage, toDataUrl } from "../codecs";
import { applyFilter, parseFilterParams, toFilterName } from "../filters";
import { UnprocessableError } from "../lib/errors";
import { parseFitParams } from "../lib/fit-params";
import { md5Hex } from "../lib/md5";
import { timed } from "../lib/timing";
import { admission, admitImage, styleReservation } from "../memory";
import { ok, optionsOf, readImageUpload, serverTiming } from "./respond";
import { outputFor, scopedOptions, styleKeyParts } from "./style-options";
import type { AppEnv } from "./types";

const DEFAULT_NAMES = "sketch,color_sketch,oil,watercolor";
const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * POST /api/styles answers in JSON with several styles of one upload as data
 * URLs, decoding it once. Each style is cached under the same key a single
 * /api/style/:name request would use.
 */
export const stylesRoutes = new Hono<AppEnv>().post("/", async (c) => {
	const upload = await readImageUpload(c);
	const options = optionsOf(c, upload);
	const requested = (options.names ?? DEFAULT_NAMES)
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);
	if (requested.length === 0)
		throw new UnprocessableError("invalid_parameter", "names must list at least one filter", { parameter: "names" });
	const names = [...new Set(requested.map(toFilterName))];
	// Only max_side sizes these previews (w, h and fit belong to a single style), keyed as /api/style/:name keys it.
	const fit = parseFitParams({ max_side: options.max_side ?? "" });
	const maxSide = fit.maxSide!;
	// JSON answers: JPEG unless a format (or auto, from Accept) is asked for.
	const out = outputFor(c, options, options.format ?? "jpeg", () => {
		const info = probeImage(upload.bytes);
		return fitSize(info.width, info.height, maxSide);
	});
	if (out.negotiated) c.header("Vary", "Accept");
	const paramsOf = new Map(names.map((n) => [n, parseFilterParams(n, scopedOptions(options, n))] as const));
	const md5 = await md5Hex(upload.bytes);
	const cache = resultCache(c.env);
	const stages: Record<string, number> = {};
	const { plan, ticket } = await admitImage(admission(c.env), "filter", upload.bytes, c.get("config").limits, (info) =>
		styleReservation(planDecode(upload.bytes, info, maxSide), [...paramsOf], out.format),
	);
	try {
		const image = (await timed(stages, "decode", () => decodeToFit(upload.bytes, plan))).pixels;
		const original = await timed(stages, "encode", () => encodeImage(image, out));
		const results: Record<string, { image: string; cache: string; filter_ms: number; encode_ms: number }> = {};
		for (const name of names) {
			const params = paramsOf.get(name)!;
			const key = await resultKey(styleKeyParts(md5, { name, params, fit, out }));
			const own: Record<string, number> = {};
			// The edge tier's write outlives the response: hand it to waitUntil so it is not cut off.
			const { value, source } = await cache.getOrCompute(
				key,
				async () => {
					const styled = await timed(own, "filter", () => applyFilter(name, image, params));
					const encoded = await timed(own, "encode", () => encodeImage(styled, out));
					return { body: encoded.bytes, contentType: encoded.mime, headers: { "server-timing": serverTiming(own) } };
				},
				(p) => c.executionCtx.waitUntil(p),
			);
			stages[`filter_${name}`] = own.filter ?? 0;
			results[name] = {
				image: toDataUrl({ bytes: value.body, mime: value.contentType, format: out.format }),
				cache: source,
				filter_ms: round(own.filter ?? 0),
				encode_ms: round(own.encode ?? 0),
			};
		}
		c.header("Server-Timing", serverTiming(stages));
		return ok(c, {
			width: image.width,
			height: image.height,
			original: toDataUrl(original),
			results,
			timings: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
		});
	} finally {
		ticket.release();
	}
});
