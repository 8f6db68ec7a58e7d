import type { Env } from "../lib/config";
import { isLoaded, loadSession, releaseSession, wasmMemoryBytes } from "../ocr/session";
import { ModelRegistry } from "./registry";

export { type ManifestEntry, ModelRegistry, type ModelRuntime } from "./registry";

const DEFAULT_IDLE_S = 600;
const UNLOAD_WAIT_MS = 10_000;

let shared: ModelRegistry | null = null;

/** Reads a file of models/ through the private binding; the host name is never resolved. */
export function modelFiles(env: Env): (file: string) => Promise<Response> {
	return (file) => env.MODELS.fetch(`https://models.internal/${file}`);
}

/** The isolate's model registry over models/ (the MODELS binding) and the ORT runtime. */
export function modelRegistry(env: Env): ModelRegistry {
	if (!shared) {
		const idle = Number(env.MODEL_IDLE_SECONDS);
		shared = new ModelRegistry(
			modelFiles(env),
			{ load: loadSession, release: releaseSession, isLoaded, memoryBytes: wasmMemoryBytes },
			{ idleMs: (Number.isFinite(idle) && idle >= 0 ? idle : DEFAULT_IDLE_S) * 1000, unloadWaitMs: UNLOAD_WAIT_MS },
		);
	}
	return shared;
}
