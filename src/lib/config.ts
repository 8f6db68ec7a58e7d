/**
 * The Worker's configuration: every variable of wrangler.toml [vars] (and the
 * API_KEY secret) parsed once per env object into one typed `Config`.
 *
 * Rule for bad values: a variable that is unset, empty, or not valid for its
 * kind takes its default; a set but invalid value also logs one warning
 * naming the variable. The defaults live in `VARS` only; wrangler.toml [vars]
 * and the README's "Limits and their defaults" list the same values (a test
 * checks wrangler.toml against this table).
 */

/**
 * Bindings and variables the Worker receives. `Cloudflare.Env` is generated
 * from wrangler.toml by `npm run types` (worker-configuration.d.ts); API_KEY is
 * a secret, never listed there.
 */
export type Env = Cloudflare.Env & {
	/** Secret; when set, every route but /health and / needs `Authorization: Bearer <key>`. */
	API_KEY?: string;
	/** Secret; when set, every GET of a styled image by URL needs `sig`, its HMAC-SHA256 under this key. */
	SIGNING_KEY?: string;
};

type Kind =
	/** A whole number above 0; a fraction is floored. */
	| "positiveInt"
	/** A number above 0, fractions kept. */
	| "positiveNumber"
	/** A number of 0 or more, fractions kept. */
	| "nonNegativeNumber"
	/** "on" or "off", any case. */
	| "onOff"
	/** Any string. */
	| "string"
	/** The OCR inference engine: "ink" (our own) or "ort" (onnxruntime-web). */
	| "engine";

interface VarSpec {
	kind: Kind;
	/** The default, as wrangler.toml [vars] writes it. */
	default: string;
}

/** Every variable, its kind and its default: the one table of defaults. */
export const VARS = {
	MAX_UPLOAD_BYTES: { kind: "positiveInt", default: "31457280" },
	MAX_PIXELS: { kind: "positiveInt", default: "100000000" },
	MAX_SIDE: { kind: "positiveInt", default: "30000" },
	CORS_ORIGINS: { kind: "string", default: "*" },
	MEMORY_BUDGET_BYTES: { kind: "positiveInt", default: "104857600" },
	OCR_CONCURRENCY: { kind: "positiveInt", default: "1" },
	FILTER_CONCURRENCY: { kind: "positiveInt", default: "2" },
	QUEUE_LIMIT: { kind: "positiveInt", default: "16" },
	QUEUE_WAIT_MS: { kind: "positiveInt", default: "30000" },
	CACHE_MAX_BYTES: { kind: "positiveInt", default: "33554432" },
	CACHE_TTL_SECONDS: { kind: "positiveNumber", default: "3600" },
	CACHE_EDGE: { kind: "onOff", default: "on" },
	MODEL_IDLE_SECONDS: { kind: "nonNegativeNumber", default: "600" },
	UPLOAD_POOL_BYTES: { kind: "positiveInt", default: "67108864" },
	SOURCE_ORIGINS: { kind: "string", default: "" },
	SOURCE_TIMEOUT_MS: { kind: "positiveInt", default: "10000" },
	OCR_ENGINE: { kind: "engine", default: "ink" },
} as const satisfies Record<string, VarSpec>;

export type VarName = keyof typeof VARS;

/** What `configFrom` reads: the variables (any may be missing) and the API_KEY and SIGNING_KEY secrets. */
export type ConfigEnv = Partial<Record<VarName | "API_KEY" | "SIGNING_KEY", string>>;

export interface Limits {
	/** Largest request body accepted, in bytes. */
	maxUploadBytes: number;
	/** Largest decoded image accepted, in pixels (width x height). */
	maxPixels: number;
	/** Largest accepted width or height. */
	maxSide: number;
}

export interface Config {
	limits: Limits;
	/** Allowed CORS origins: "*" or a list. */
	corsOrigins: "*" | string[];
	/** Unset (or empty): no authentication. */
	apiKey: string | undefined;
	admission: {
		budgetBytes: number;
		caps: { ocr: number; filter: number };
		queueLimit: number;
		maxWaitMs: number;
	};
	cache: { maxBytes: number; ttlMs: number; edge: boolean };
	/** Idle time after which a model is unloaded; 0: never. */
	modelIdleMs: number;
	uploadPoolBytes: number;
	/** Styled images by URL: the origins sources may come from (none: the feature is off) and the fetch timeout. */
	source: { origins: string[]; timeoutMs: number };
	/** Unset (or empty): GETs by URL need no signature. */
	signingKey: string | undefined;
	/** Which engine runs the OCR models. */
	ocrEngine: "ink" | "ort";
}

const VALID: Record<Kind, { test: (raw: string) => boolean; what: string }> = {
	positiveInt: { test: (raw) => Number.isFinite(Number(raw)) && Number(raw) >= 1, what: "a whole number above 0" },
	positiveNumber: { test: (raw) => Number.isFinite(Number(raw)) && Number(raw) > 0, what: "a number above 0" },
	nonNegativeNumber: { test: (raw) => Number.isFinite(Number(raw)) && Number(raw) >= 0, what: "a number of 0 or more" },
	onOff: { test: (raw) => raw === "on" || raw === "off", what: '"on" or "off"' },
	string: { test: () => true, what: "a string" },
	engine: { test: (raw) => raw === "ink" || raw === "ort", what: '"ink" or "ort"' },
};

function normalise(kind: Kind, raw: string): string {
	const trimmed = raw.trim();
	return kind === "onOff" || kind === "engine" ? trimmed.toLowerCase() : trimmed;
}

/** A variable's value as its kind reads it: the default when unset, empty or invalid (warned). */
function read(env: ConfigEnv, name: VarName): string {
	const spec: VarSpec = VARS[name];
	const given = env[name];
	if (given === undefined) return spec.default;
	const raw = normalise(spec.kind, String(given));
	if (raw === "") return spec.default;
	if (VALID[spec.kind].test(raw)) return raw;
	console.warn(
		`inkstone config: ${name}=${JSON.stringify(String(given))} is not ${VALID[spec.kind].what}; using the default ${spec.default}`,
	);
	return spec.default;
}

function parse(env: ConfigEnv): Config {
	const int = (name: VarName) => Math.floor(Number(read(env, name)));
	const number = (name: VarName) => Number(read(env, name));
	const cors = read(env, "CORS_ORIGINS");
	const apiKey = env.API_KEY;
	const signingKey = env.SIGNING_KEY;
	return {
		limits: { maxUploadBytes: int("MAX_UPLOAD_BYTES"), maxPixels: int("MAX_PIXELS"), maxSide: int("MAX_SIDE") },
		corsOrigins:
			cors === "*"
				? "*"
				: cors
						.split(",")
						.map((o) => o.trim())
						.filter(Boolean),
		apiKey: apiKey ? apiKey : undefined,
		admission: {
			budgetBytes: int("MEMORY_BUDGET_BYTES"),
			caps: { ocr: int("OCR_CONCURRENCY"), filter: int("FILTER_CONCURRENCY") },
			queueLimit: int("QUEUE_LIMIT"),
			maxWaitMs: int("QUEUE_WAIT_MS"),
		},
		cache: {
			maxBytes: int("CACHE_MAX_BYTES"),
			ttlMs: number("CACHE_TTL_SECONDS") * 1000,
			edge: read(env, "CACHE_EDGE") === "on",
		},
		modelIdleMs: number("MODEL_IDLE_SECONDS") * 1000,
		uploadPoolBytes: int("UPLOAD_POOL_BYTES"),
		source: { origins: originList(read(env, "SOURCE_ORIGINS")), timeoutMs: int("SOURCE_TIMEOUT_MS") },
		signingKey: signingKey ? signingKey : undefined,
		ocrEngine: read(env, "OCR_ENGINE") === "ort" ? "ort" : "ink",
	};
}

/**
 * SOURCE_ORIGINS as origins (scheme, host and port, as URL.origin writes
 * them), so "https://IMG.example/" matches what a parsed URL reports; an
 * entry that is no http(s) URL is dropped with a warning.
 */
function originList(raw: string): string[] {
	const origins: string[] = [];
	for (const entry of raw.split(",").map((o) => o.trim())) {
		if (!entry) continue;
		let origin: string | null = null;
		try {
			const url = new URL(entry);
			if (url.protocol === "https:" || url.protocol === "http:") origin = url.origin;
		} catch {}
		if (origin) origins.push(origin);
		else
			console.warn(`inkstone config: SOURCE_ORIGINS entry ${JSON.stringify(entry)} is not an http(s) origin; ignored`);
	}
	return origins;
}

const parsed = new WeakMap<object, Config>();
let defaults: Config | null = null;

/**
 * The configuration for `env`, parsed on the first call for that env object
 * and the same object after; `undefined` gives every default.
 */
export function configFrom(env: ConfigEnv | undefined): Config {
	if (!env) return (defaults ??= parse({}));
	let config = parsed.get(env);
	if (!config) parsed.set(env, (config = parse(env)));
	return config;
}

/** The limits with every default (for code and tests that run without an env). */
export const DEFAULT_LIMITS: Limits = configFrom(undefined).limits;
