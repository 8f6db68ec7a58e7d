import { workersEdgeTier } from "./edge";
import { type CacheOptions, ResultCache } from "./result-cache";

export { edgeUrl } from "./edge";
export { etagOf, type KeyParts, matchesEtag, resultKey } from "./keys";
export { type CachedResult, type CacheSource, ResultCache } from "./result-cache";

export interface CacheEnv {
	CACHE_MAX_BYTES?: string;
	CACHE_TTL_SECONDS?: string;
	/** "off" keeps results out of the Workers Cache API: this isolate's LRU only. */
	CACHE_EDGE?: string;
}

export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
export const DEFAULT_CACHE_TTL_S = 3600;

let shared: ResultCache | null = null;

/** Cache settings from the environment, defaults for anything unset or invalid. */
export function cacheOptions(env: CacheEnv | undefined): CacheOptions {
	const bytes = Number(env?.CACHE_MAX_BYTES);
	const ttl = Number(env?.CACHE_TTL_SECONDS);
	return {
		maxBytes: Number.isFinite(bytes) && bytes > 0 ? bytes : DEFAULT_CACHE_BYTES,
		ttlMs: (Number.isFinite(ttl) && ttl > 0 ? ttl : DEFAULT_CACHE_TTL_S) * 1000,
		edge: env?.CACHE_EDGE?.trim().toLowerCase() === "off" ? null : workersEdgeTier(),
	};
}

/** The isolate's result cache, created on first use from the environment. */
export function resultCache(env: CacheEnv | undefined): ResultCache {
	shared ??= new ResultCache(cacheOptions(env));
	return shared;
}

/** Bytes the isolate's result cache holds (0 before its first use). */
export function cacheBytes(): number {
	return shared?.bytes ?? 0;
}

/** Drops least recently used results until `bytes` are freed or none is left; returns the bytes freed. */
export function shedCache(bytes: number): number {
	return shared?.shed(bytes) ?? 0;
}
