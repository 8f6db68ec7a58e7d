import type { Context } from "hono";
import { type CachedResult, type CacheSource, etagOf, matchesEtag, resultCache } from "../cache";
import type { AppEnv } from "./types";

/** Content-addressed results never change under their key. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export interface CachedRoute {
	key: string;
	/** Produces the result on a miss; runs at most once per key at a time. */
	compute: () => Promise<CachedResult>;
	/** Whether the output format was negotiated from Accept (adds Vary: Accept). */
	negotiated: boolean;
	/** JSON results are stored as the bare `data` and wrapped in a fresh envelope. */
	json?: boolean;
}

function baseHeaders(c: Context<AppEnv>, key: string, negotiated: boolean): Headers {
	const h = new Headers({ ETag: etagOf(key), "Cache-Control": IMMUTABLE });
	if (negotiated) h.set("Vary", "Accept");
	h.set("X-Request-Id", c.get("requestId"));
	return h;
}

/**
 * Answers from the result cache: 304 when the client already holds this key
 * (nothing is decoded), otherwise the cached or freshly computed result with
 * its ETag and X-Cache: HIT, MISS or EDGE.
 */
export async function serveCached(c: Context<AppEnv>, route: CachedRoute): Promise<Response> {
	const headers = baseHeaders(c, route.key, route.negotiated);
	if (matchesEtag(c.req.header("if-none-match"), route.key)) {
		headers.set("X-Cache", "HIT");
		return new Response(null, { status: 304, headers });
	}
	const started = performance.now();
	const { value, source } = await resultCache(c.env).getOrCompute(route.key, route.compute, (p) =>
		c.executionCtx.waitUntil(p),
	);
	return resultResponse(c, headers, value, source, started, route.json ?? false);
}

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
	const data = new TextDecoder().decode(value.body);
	const envelope = `{"success":true,"data":${data},"error":null,"request_id":${JSON.stringify(c.get("requestId"))},"timestamp":"${new Date().toISOString()}"}`;
	return new Response(envelope, { headers });
}

/** Server-Timing text for named stage durations in milliseconds. */
export function serverTiming(stages: Record<string, number>): string {
	return Object.entries(stages)
		.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`)
		.join(", ");
}
