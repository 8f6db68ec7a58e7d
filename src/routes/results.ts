import { Hono } from "hono";
import { resultCache } from "../cache";
import { NotFoundError } from "../lib/errors";
import { keyedHeaders, notModified, resultResponse } from "./respond";
import type { AppEnv } from "./types";

const KEY = /^[0-9a-f]{32}$/;

/**
 * GET /api/results/:key re-serves a cached result by the key its ETag carries,
 * so a front-end can use it as a plain image URL. JSON results come back in
 * the envelope; images as themselves.
 */
export const resultRoutes = new Hono<AppEnv>().get("/:key", async (c) => {
	const key = c.req.param("key").toLowerCase();
	if (!KEY.test(key)) throw new NotFoundError("unknown_result", "result keys are 32 hex digits");
	const headers = keyedHeaders(key);
	const unchanged = notModified(c, key, headers);
	if (unchanged) return unchanged;
	const started = performance.now();
	const found = await resultCache(c.env).lookup(key);
	if (!found) throw new NotFoundError("unknown_result", "no cached result under that key; it may have expired");
	const json = found.value.contentType.startsWith("application/json");
	return resultResponse(c, headers, found.value, found.source, started, json);
});
