import type { Context } from "hono";
import { type CachedResult, type CacheSource, etagOf, matchesEtag, resultCache } from "../cache";
import { successBody } from "../lib/envelope";
import { readUpload, type Upload } from "../lib/upload";
import { uploadPool } from "../memory";
import { fetchSource } from "../source/fetchSource";
import type { AppEnv } from "./types";

/** Content-addressed results never change under their key. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** A JSON success in the envelope. */
export function ok<T>(c: Context<AppEnv>, data: T, status: 200 | 201 | 202 = 200): Response {
	return c.json(successBody(data, c.get("requestId")), status);
}

/**
 * Reads the upload under the body cap, in any of the three input forms,
 * holding its bytes in the upload pool until the request ends (app.ts).
 */
export async function readImageUpload(c: Context<AppEnv>): Promise<Upload> {
	const cap = c.get("config").limits.maxUploadBytes;
	const declared = Number(c.req.header("content-length"));
	const expected = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, cap) : cap;
	const hold = uploadPool(c.env).hold(2 * expected);
	c.set("upload", hold);
	const upload = await readUpload(c.req.raw, cap);
	hold.shrink(upload.bytes.byteLength);
	return upload;
}

/**
 * Fetches a source image by URL under the upload rules (src/source), holding
 * its bytes in the upload pool like an upload's: the declared length (the
 * cap when none is declared) while it is read, its own size after.
 */
export async function readImageSource(c: Context<AppEnv>, url: URL): Promise<Uint8Array> {
	const config = c.get("config");
	const bytes = await fetchSource(url, {
		origins: config.source.origins,
		maxBytes: config.limits.maxUploadBytes,
		timeoutMs: config.source.timeoutMs,
		reserve: (n) => c.set("upload", uploadPool(c.env).hold(n)),
	});
	c.get("upload")?.shrink(bytes.byteLength);
	return bytes;
}

/** Query options, with fields sent alongside a multipart or JSON upload filling the gaps. */
export function optionsOf(c: Context<AppEnv>, upload?: Upload): Record<string, string> {
	return { ...(upload?.fields ?? {}), ...c.req.query() };
}

export interface CachedRoute {
	key: string;
	/** Produces the result on a miss; runs at most once per key at a time. */
	compute: () => Promise<CachedResult>;
	/** Whether the output format was negotiated from Accept (adds Vary: Accept). */
	negotiated: boolean;
	/** JSON results are stored as the bare `data` and wrapped in a fresh envelope. */
	json?: boolean;
}

/** The headers every answer under a result key carries. */
export function keyedHeaders(key: string, negotiated = false): Headers {
	const h = new Headers({ ETag: etagOf(key), "Cache-Control": IMMUTABLE });
	if (negotiated) h.set("Vary", "Accept");
	return h;
}

/** A 304 when the client already holds the result under `key`, else null. */
export function notModified(c: Context<AppEnv>, key: string, headers: Headers): Response | null {
	if (!matchesEtag(c.req.header("if-none-match"), key)) return null;
	headers.set("X-Cache", "HIT");
	return new Response(null, { status: 304, headers });
}

/**
 * Answers from the result cache: 304 when the client already holds this key
 * (nothing is decoded), otherwise the cached or freshly computed result with
 * its ETag and X-Cache: HIT, MISS or EDGE.
 */
export async function serveCached(c: Context<AppEnv>, route: CachedRoute): Promise<Response> {
	const headers = keyedHeaders(route.key, route.negotiated);
	const unchanged = notModified(c, route.key, headers);
	if (unchanged) return unchanged;
	const started = performance.now();
	const { value, source } = await resultCache(c.env).getOrCompute(route.key, route.compute, (p) =>
		c.executionCtx.waitUntil(p),
	);
	return resultResponse(c, headers, value, source, started, route.json ?? false);
}

/** A cached result as the answer: images as themselves, JSON `data` in this request's envelope. */
export function resultResponse(
	c: Context<AppEnv>,
	headers: Headers,
	value: CachedResult,
	source: CacheSource,
	started: number,
	json: boolean,
): Response {
	headers.set("X-Cache", source);
	headers.set("Content-Type", value.contentType);
	const timing = value.headers?.["server-timing"];
	const lookup = `cache;desc="${source}";dur=${(performance.now() - started).toFixed(1)}`;
	// Stage timings are those of the run that produced the result; the lookup is this request's own.
	headers.set("Server-Timing", timing ? `${timing}, ${lookup}` : lookup);
	if (!json) return new Response(value.body, { headers });
	const data: unknown = JSON.parse(new TextDecoder().decode(value.body));
	return new Response(JSON.stringify(successBody(data, c.get("requestId"))), { headers });
}

/** Server-Timing text for named stage durations in milliseconds. */
export function serverTiming(stages: Record<string, number>): string {
	return Object.entries(stages)
		.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`)
		.join(", ");
}
