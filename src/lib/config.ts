/** Bindings and variables the Worker receives (wrangler.toml [vars], secrets). */
export interface Env {
	MODELS: Fetcher;
	MAX_UPLOAD_BYTES?: string;
	MAX_PIXELS?: string;
	MAX_SIDE?: string;
	CORS_ORIGINS?: string;
	/** Secret; when set, every route but /health and / needs `Authorization: Bearer <key>`. */
	API_KEY?: string;
	CACHE_MAX_BYTES?: string;
	CACHE_TTL_SECONDS?: string;
	CACHE_EDGE?: string;
	MEMORY_BUDGET_BYTES?: string;
	OCR_CONCURRENCY?: string;
	FILTER_CONCURRENCY?: string;
	QUEUE_LIMIT?: string;
	QUEUE_WAIT_MS?: string;
	MODEL_IDLE_SECONDS?: string;
	UPLOAD_POOL_BYTES?: string;
}

export interface Limits {
	/** Largest request body accepted, in bytes. */
	maxUploadBytes: number;
	/** Largest decoded image accepted, in pixels (width x height). */
	maxPixels: number;
	/** Largest accepted width or height. */
	maxSide: number;
}

export const DEFAULT_LIMITS: Limits = {
	maxUploadBytes: 30 * 1024 * 1024,
	maxPixels: 100_000_000,
	maxSide: 30000,
};

function positiveInt(value: string | undefined, fallback: number): number {
	if (value === undefined || value.trim() === "") return fallback;
	const n = Number(value);
	return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

export function limitsFrom(env: Partial<Env> | undefined): Limits {
	return {
		maxUploadBytes: positiveInt(env?.MAX_UPLOAD_BYTES, DEFAULT_LIMITS.maxUploadBytes),
		maxPixels: positiveInt(env?.MAX_PIXELS, DEFAULT_LIMITS.maxPixels),
		maxSide: positiveInt(env?.MAX_SIDE, DEFAULT_LIMITS.maxSide),
	};
}

/** Allowed CORS origins: "*" or a comma-separated list. */
export function corsOrigins(env: Partial<Env> | undefined): "*" | string[] {
	const raw = (env?.CORS_ORIGINS ?? "*").trim();
	if (raw === "" || raw === "*") return "*";
	return raw
		.split(",")
		.map((o) => o.trim())
		.filter(Boolean);
}
