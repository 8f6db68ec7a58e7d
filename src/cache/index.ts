import { type Config, type ConfigEnv, configFrom } from "../lib/config";
import { workersEdgeTier } from "./edge";
import { type CacheOptions, ResultCache } from "./result-cache";

export { edgeUrl } from "./edge";
export { etagOf, type KeyParts, matchesEtag, resultKey } from "./keys";
export { type CachedResult, type CacheSource, ResultCache } from "./result-cache";

let shared: ResultCache | null = null;

/** Cache settings from the configuration (CACHE_MAX_BYTES, CACHE_TTL_SECONDS, CACHE_EDGE). */
export function cacheOptions(config: Config): CacheOptions {
	const { maxBytes, ttlMs, edge } = config.cache;
	return { maxBytes, ttlMs, edge: edge ? workersEdgeTier() : null };
}

/** The isolate's result cache, created on first use from the configuration. */
export function resultCache(env: ConfigEnv | undefined): ResultCache {
	shared ??= new ResultCache(cacheOptions(configFrom(env)));
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
