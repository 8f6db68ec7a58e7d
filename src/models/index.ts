import { configFrom, type Env } from "../lib/config";
import { ocrRuntime, useEngine } from "../ocr/inference";
import { ModelRegistry } from "./registry";

export { type ManifestEntry, ModelRegistry, type ModelRuntime } from "./registry";

const UNLOAD_WAIT_MS = 10_000;

let shared: ModelRegistry | null = null;

/** Reads a file of models/ through the private binding; the host name is never resolved. */
export function modelFiles(env: Env): (file: string) => Promise<Response> {
	return (file) => env.MODELS.fetch(`https://models.internal/${file}`);
}

/**
 * The isolate's model registry over models/ (the MODELS binding) and the OCR
 * runtime OCR_ENGINE names, its idle time from the configuration
 * (MODEL_IDLE_SECONDS), both fixed on first use.
 */
export function modelRegistry(env: Env): ModelRegistry {
	if (!shared) useEngine(configFrom(env).ocrEngine);
	shared ??= new ModelRegistry(modelFiles(env), ocrRuntime(), {
		idleMs: configFrom(env).modelIdleMs,
		unloadWaitMs: UNLOAD_WAIT_MS,
	});
	return shared;
}

/** The registry if a request has created it, else null (then no model is loaded). */
export function existingRegistry(): ModelRegistry | null {
	return shared;
}
