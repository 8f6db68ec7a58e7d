import { drainCapped } from "../lib/drain";
import {
	AppError,
	BadGatewayError,
	ForbiddenError,
	NotFoundError,
	TooLargeError,
	UnprocessableError,
} from "../lib/errors";

export interface SourceOptions {
	/** Origins (URL.origin form) a source may come from; empty: fetching by URL is off. */
	origins: string[];
	/** The upload cap, applied to the fetched body. */
	maxBytes: number;
	/** Budget for the whole fetch: every redirect hop, headers and body. */
	timeoutMs: number;
	/** Same-origin redirects followed before giving up. */
	maxRedirects?: number;
	/** Called once the body's size is known or capped, before a byte of it is read. */
	reserve?: (bytes: number) => void;
	/** The transport; the runtime's fetch unless a caller supplies another. */
	fetcher?: (request: Request) => Promise<Response>;
}

const DEFAULT_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = "image/webp,image/png,image/jpeg;q=0.9,image/*;q=0.5";

/** Refuses every fetch by URL while SOURCE_ORIGINS lists no origin (the default). */
export function requireSources(origins: string[]): void {
	if (origins.length === 0) {
		throw new ForbiddenError("source_disabled", "styled images by URL are off: SOURCE_ORIGINS lists no origin");
	}
}

/**
 * Checks a `url` parameter before anything is fetched: an absolute http(s)
 * URL without credentials, on an allowed origin. Refusals name the rule, never
 * the URL itself (errors do not echo the request).
 */
export function parseSourceUrl(raw: string | undefined, origins: string[]): URL {
	requireSources(origins);
	const rule = "url must be an absolute http or https URL without credentials";
	if (raw === undefined || raw === "") {
		throw new UnprocessableError("invalid_parameter", `${rule}; it is required for a GET`, { parameter: "url" });
	}
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new UnprocessableError("invalid_parameter", rule, { parameter: "url" });
	}
	if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) {
		throw new UnprocessableError("invalid_parameter", rule, { parameter: "url" });
	}
	if (!origins.includes(url.origin)) {
		throw new ForbiddenError("source_not_allowed", "the source URL's origin is not one of SOURCE_ORIGINS");
	}
	return url;
}

/**
 * Fetches a source image under the upload rules: the cap is checked against
 * Content-Length first and enforced while reading (the body is never
 * buffered past it), the whole exchange has one deadline, and redirects are
 * followed by hand, only while they stay on the URL's own origin. A 404 or 410
 * is `source_not_found`; every other failure of the origin is a 502, so a
 * broken source never reads as a fault of ours.
 */
export async function fetchSource(url: URL, options: SourceOptions): Promise<Uint8Array> {
	const fetcher = options.fetcher ?? ((request: Request) => fetch(request));
	const deadline = new AbortController();
	const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
	const timedOut = new Promise<never>((_, reject) => {
		deadline.signal.addEventListener("abort", () => reject(timeoutError(options.timeoutMs)));
	});
	// Never left unhandled when nothing is waiting on it at the moment it fires.
	timedOut.catch(() => {});
	try {
		const response = await follow(url, options, fetcher, deadline.signal, timedOut);
		return await readBody(response, options, timedOut);
	} finally {
		clearTimeout(timer);
	}
}

async function follow(
	url: URL,
	options: SourceOptions,
	fetcher: (request: Request) => Promise<Response>,
	signal: AbortSignal,
	timedOut: Promise<never>,
): Promise<Response> {
	const limit = options.maxRedirects ?? DEFAULT_REDIRECTS;
	let current = url;
	for (let hop = 0; ; hop++) {
		const request = new Request(current, { redirect: "manual", signal, headers: { accept: ACCEPT } });
		let response: Response;
		try {
			response = await Promise.race([fetcher(request), timedOut]);
		} catch (err) {
			if (err instanceof AppError) throw err;
			if (signal.aborted) throw timeoutError(options.timeoutMs);
			throw new BadGatewayError("source_failed", "the source could not be reached");
		}
		if (!REDIRECTS.has(response.status)) return checkStatus(response);
		await response.body?.cancel().catch(() => {});
		const location = response.headers.get("location");
		const next = location === null ? null : safeUrl(location, current);
		if (next === null || next.origin !== url.origin) {
			throw new BadGatewayError(
				"source_redirect",
				"the source redirected to another origin; only same-origin redirects are followed",
			);
		}
		if (hop >= limit) {
			throw new BadGatewayError("source_redirect", `the source redirected more than ${limit} times`);
		}
		current = next;
	}
}

function safeUrl(location: string, base: URL): URL | null {
	try {
		return new URL(location, base);
	} catch {
		return null;
	}
}

async function checkStatus(response: Response): Promise<Response> {
	if (response.ok) return response;
	await response.body?.cancel().catch(() => {});
	if (response.status === 404 || response.status === 410) {
		throw new NotFoundError(
			"source_not_found",
			`the source answered ${response.status}: there is no image at that URL`,
		);
	}
	throw new BadGatewayError("source_failed", `the source answered ${response.status}`, { status: response.status });
}

async function readBody(response: Response, options: SourceOptions, timedOut: Promise<never>): Promise<Uint8Array> {
	const { maxBytes } = options;
	const declared = response.headers.get("content-length");
	const length = declared === null || declared.trim() === "" ? Number.NaN : Number(declared);
	if (Number.isFinite(length) && length > maxBytes) {
		await response.body?.cancel().catch(() => {});
		throw tooLarge(maxBytes);
	}
	options.reserve?.(Number.isFinite(length) && length >= 0 ? length : maxBytes);
	if (!response.body) return new Uint8Array(0);
	return drainCapped(response.body, {
		maxBytes,
		next: (read) => Promise.race([read, timedOut]),
		tooLarge: () => tooLarge(maxBytes),
		broken: () => new BadGatewayError("source_failed", "the source's body ended abnormally before it was complete"),
	});
}

function tooLarge(maxBytes: number): TooLargeError {
	return new TooLargeError("source_too_large", `the source image exceeds the ${maxBytes}-byte upload limit`, {
		max_bytes: maxBytes,
	});
}

function timeoutError(ms: number): BadGatewayError {
	return new BadGatewayError("source_timeout", `the source did not deliver the image within ${ms / 1000} s`);
}
