import { Hono } from "hono";
import { VERSIONS } from "../lib/versions";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/** GET /health: liveness, cheap and unauthenticated; it touches no runtime. */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) => ok(c, { status: "ok", versions: VERSIONS }));
