import { Hono } from "hono";
import { resultCache } from "../cache";
import { codecHeapBytes } from "../codecs";
import { admission } from "../models/limits";
import { requestStats } from "../lib/stats";
import { VERSIONS } from "../lib/versions";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/** GET /health: liveness, cheap and unauthenticated. */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) => ok(c, { status: "ok", versions: VERSIONS }));

/** GET /api/status: what this isolate is doing and holding. */
export const statusRoutes = new Hono<AppEnv>().get("/", (c) =>
	ok(c, {
		...requestStats(),
		limits: c.get("limits"),
		memory: { codec_wasm_bytes: codecHeapBytes() },
		admission: admission(c.env).stats(),
		cache: resultCache(c.env).stats(),
	}),
);
