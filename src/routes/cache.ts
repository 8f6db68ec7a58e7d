import { Hono } from "hono";
import { resultCache } from "../cache";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/** DELETE /api/cache clears this isolate's tier; the edge tier expires by its TTL. */
export const cacheRoutes = new Hono<AppEnv>().delete("/", (c) => {
	const cleared = resultCache(c.env).clear();
	return ok(c, { cleared_entries: cleared, stats: resultCache(c.env).stats() });
});
