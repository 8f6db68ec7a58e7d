import { Hono } from "hono";
import { FILTERS, KERNEL_VERSION } from "../filters";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/** GET /api/filters: the catalogue, with every parameter's range; the page builds its controls from it. */
export const filterRoutes = new Hono<AppEnv>().get("/", (c) =>
	ok(c, {
		filters: FILTERS.map((f) => ({
			name: f.name,
			opencv: f.opencv,
			description: f.description,
			params: f.params.map(({ aliases, exclusiveMin, ...p }) => ({ ...p, exclusive_min: exclusiveMin ?? false })),
		})),
		kernel_version: KERNEL_VERSION,
	}),
);
