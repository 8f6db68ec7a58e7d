import { Hono } from "hono";
import { modelRegistry } from "../models";
import { type RuntimeStatus, runtimeStatus } from "../ocr/inference";
import { ok } from "./respond";
import type { AppEnv } from "./types";

/** The runtime's state, its wasm heap, and the heaps of dropped runtimes not yet collected. */
export function runtimeView(runtime: RuntimeStatus) {
	return {
		state: runtime.state,
		wasm_bytes: runtime.wasmBytes,
		started: runtime.started,
		dropped: runtime.dropped.total,
		revived: runtime.dropped.revived,
		dropped_alive: runtime.dropped.alive,
		dropped_alive_bytes: runtime.dropped.aliveBytes,
	};
}

/**
 * GET /api/models lists the models on disk with their state in this isolate;
 * POST /api/models/:name/load and /unload (or /api/models/unload for all)
 * manage them by hand. Loading also happens lazily on first use.
 */
export const modelRoutes = new Hono<AppEnv>()
	.get("/", async (c) => {
		const models = await modelRegistry(c.env).list();
		const runtime = runtimeStatus();
		return ok(c, { models, runtime: runtimeView(runtime) });
	})
	.post("/unload", async (c) => {
		const unloaded = await modelRegistry(c.env).unloadAll();
		return ok(c, { unloaded, runtime_wasm_bytes: runtimeStatus().wasmBytes });
	})
	.post("/:name/load", async (c) => {
		const registry = modelRegistry(c.env);
		const name = c.req.param("name");
		await registry.load(name);
		const model = (await registry.list()).find((m) => m.name === name);
		return ok(c, { model, runtime_wasm_bytes: runtimeStatus().wasmBytes });
	})
	.post("/:name/unload", async (c) => {
		const name = c.req.param("name");
		const unloaded = await modelRegistry(c.env).unload(name);
		return ok(c, { name, unloaded, runtime_wasm_bytes: runtimeStatus().wasmBytes });
	});
