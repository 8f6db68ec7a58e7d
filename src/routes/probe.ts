import { Hono } from "hono";
import { checkDimensions, displaySize, isComplete, probeImage } from "../codecs";
import { md5Hex } from "../lib/md5";
import { ok, readImageUpload } from "./respond";
import type { AppEnv } from "./types";

/**
 * POST /api/probe: what the header says about an upload, without decoding it.
 * Runs the same intake checks as every image route, so it answers 413/415/422
 * exactly where they would. `complete` says whether the stream's framing
 * reaches its end (a cut upload still probes, but will not decode whole).
 */
export const probeRoutes = new Hono<AppEnv>().post("/", async (c) => {
	const upload = await readImageUpload(c);
	const info = probeImage(upload.bytes);
	checkDimensions(info, c.get("config").limits);
	const display = displaySize(info);
	return ok(c, {
		format: info.format,
		width: display.width,
		height: display.height,
		stored_width: info.width,
		stored_height: info.height,
		orientation: info.orientation,
		megapixels: Math.round((info.width * info.height) / 1e4) / 100,
		bytes: upload.bytes.byteLength,
		md5: await md5Hex(upload.bytes),
		complete: isComplete(upload.bytes, info.format),
		has_alpha: info.hasAlpha,
		animated: info.animated,
		...(info.progressive !== undefined && { progressive: info.progressive }),
		...(info.components !== undefined && { components: info.components }),
		...(info.bitDepth !== undefined && { bit_depth: info.bitDepth }),
		received_as: upload.via,
	});
});
