import { Hono } from "hono";
import { resultKey } from "../cache";
import { decodeToFit, encodeImage, planDecode } from "../codecs";
import { applyFilter, parseFilterParams, toFilterName } from "../filters";
import { md5Hex } from "../lib/md5";
import type { Pixels } from "../lib/pixels";
import { admission, admitImage, styleReservation } from "../memory";
import { optionsOf, readImageUpload, serveCached, serverTiming, timed } from "./respond";
import { outputFor, parseMaxSide, styleKeyParts } from "./style-options";
import type { AppEnv } from "./types";

/**
 * POST /api/style/:name answers with the styled image itself, for <img> and
 * blob front-ends: decoded straight to the preview size, filtered, encoded,
 * and cached under the upload's MD5 with the filter's parameters.
 */
export const styleRoutes = new Hono<AppEnv>().post("/:name", async (c) => {
	const name = toFilterName(c.req.param("name"));
	const upload = await readImageUpload(c);
	const options = optionsOf(c, upload);
	const params = parseFilterParams(name, options);
	const maxSide = parseMaxSide(options.max_side);
	const out = outputFor(c, upload.bytes, options, maxSide, options.format);
	const key = await resultKey(styleKeyParts(await md5Hex(upload.bytes), name, params, out, maxSide));
	return serveCached(c, {
		key,
		negotiated: out.negotiated,
		compute: async () => {
			const stages: Record<string, number> = {};
			const { plan, ticket } = await admitImage(
				admission(c.env),
				"filter",
				upload.bytes,
				c.get("config").limits,
				(info) => styleReservation(planDecode(upload.bytes, info, maxSide), [[name, params]], out.format),
			);
			try {
				let image: Pixels | null = (await timed(stages, "decode", () => decodeToFit(upload.bytes, plan))).pixels;
				const styled = await timed(stages, "filter", () => applyFilter(name, image!, params));
				// The preview is not needed past the filter: let it go before the encoder's heap grows.
				image = null;
				const encoded = await timed(stages, "encode", () => encodeImage(styled, out));
				return { body: encoded.bytes, contentType: encoded.mime, headers: { "server-timing": serverTiming(stages) } };
			} finally {
				ticket.release();
			}
		},
	});
});
