import { drainCapped } from "./drain";
import { AppError, BadRequestError, TooLargeError } from "./errors";

/** An uploaded image and any plain fields that came with it. */
export interface Upload {
	bytes: Uint8Array;
	/** How the image arrived: multipart field, raw body or JSON base64. */
	via: "multipart" | "raw" | "json";
	/** Scalar form or JSON fields other than the image, usable as options. */
	fields: Record<string, string>;
}

export interface ReadOptions {
	/** Longest wait for the next chunk before giving up with 408. */
	idleMs?: number;
}

/** A client that sends nothing for this long has stalled or walked away. */
export const BODY_IDLE_MS = 30_000;

/**
 * Reads the body up to maxBytes, refusing as soon as the count passes the cap
 * (or at once when Content-Length already says so), so an oversize upload is
 * never buffered whole. A body that stalls gets a 408 after idleMs without a
 * chunk, and one whose stream breaks (the client went away) a 400, so neither
 * holds its partial bytes nor surfaces as a 500.
 */
export async function readCappedBody(
	request: Request,
	maxBytes: number,
	options: ReadOptions = {},
): Promise<Uint8Array> {
	const declared = request.headers.get("content-length");
	if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
	if (!request.body) return new Uint8Array(0);
	const idleMs = options.idleMs ?? BODY_IDLE_MS;
	return drainCapped(request.body, {
		maxBytes,
		next: (read) => withDeadline(read, idleMs),
		tooLarge: () => tooLarge(maxBytes),
		broken: () => new BadRequestError("body_read_failed", "the request body ended abnormally before it was complete"),
	});
}

function withDeadline<T>(read: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | null = null;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() => reject(new AppError(408, "body_timeout", `no part of the request body arrived for ${ms / 1000} s`)),
			ms,
		);
	});
	return Promise.race([read, deadline]).finally(() => clearTimeout(timer));
}

function tooLarge(maxBytes: number): TooLargeError {
	return new TooLargeError("body_too_large", `the request body exceeds the ${formatBytes(maxBytes)} limit`, {
		max_bytes: maxBytes,
	});
}

function formatBytes(n: number): string {
	return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : `${n} bytes`;
}

/**
 * Accepts the three input forms: multipart/form-data with a `file` field, JSON
 * `{ "image": "<base64 or data: URL>" }`, or the image as the raw body. The
 * declared type only picks the envelope; the image format is sniffed later.
 */
export async function readUpload(request: Request, maxBytes: number): Promise<Upload> {
	const type = (request.headers.get("content-type") ?? "").toLowerCase();
	const body = await readCappedBody(request, maxBytes);
	if (body.byteLength === 0) throw new BadRequestError("empty_body", "the request has no body; send an image");
	if (type.startsWith("multipart/form-data")) return fromMultipart(body, request.headers.get("content-type")!);
	if (type.startsWith("application/json") || type.endsWith("+json")) return fromJson(body);
	return { bytes: body, via: "raw", fields: {} };
}

async function fromMultipart(body: Uint8Array, contentType: string): Promise<Upload> {
	let form: FormData;
	try {
		form = await new Response(body, { headers: { "content-type": contentType } }).formData();
	} catch {
		throw new BadRequestError("invalid_multipart", "the multipart body could not be parsed");
	}
	const files = form.getAll("file");
	if (files.length === 0) throw new BadRequestError("missing_file", "the multipart body has no `file` field");
	if (files.length > 1) throw new BadRequestError("multiple_files", "send one image per request in the `file` field");
	const file = files[0]!;
	const bytes = typeof file === "string" ? new TextEncoder().encode(file) : new Uint8Array(await file.arrayBuffer());
	if (bytes.byteLength === 0) throw new BadRequestError("empty_body", "the `file` field is empty");
	const fields: Record<string, string> = {};
	for (const [key, value] of form.entries()) if (key !== "file" && typeof value === "string") fields[key] = value;
	return { bytes, via: "multipart", fields };
}

function fromJson(body: Uint8Array): Upload {
	let parsed: unknown;
	try {
		parsed = JSON.parse(new TextDecoder().decode(body));
	} catch {
		throw new BadRequestError("invalid_json", "the body is not valid JSON");
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new BadRequestError("invalid_json", "the JSON body must be an object with an `image` field");
	}
	const record = parsed as Record<string, unknown>;
	const image = record.image;
	if (typeof image !== "string" || image.length === 0) {
		throw new BadRequestError("missing_field", "the JSON body needs an `image` field holding base64 or a data: URL");
	}
	const fields: Record<string, string> = {};
	for (const [key, value] of Object.entries(record)) {
		if (key !== "image" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean")) {
			fields[key] = String(value);
		}
	}
	return { bytes: decodeBase64Image(image), via: "json", fields };
}

const DATA_URL = /^data:([a-z0-9.+/-]*)(;[a-z0-9=.+-]+)*?;base64,/i;

/** Decodes base64 (standard or URL-safe alphabet, whitespace ignored) or a base64 data: URL. */
export function decodeBase64Image(text: string): Uint8Array {
	let payload = text;
	if (payload.startsWith("data:")) {
		const head = DATA_URL.exec(payload);
		if (!head) throw new BadRequestError("invalid_base64", "the data: URL must be base64-encoded");
		payload = payload.slice(head[0].length);
	}
	payload = payload.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
	if (payload.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload) || payload.length % 4 === 1) {
		throw new BadRequestError("invalid_base64", "the `image` field is not valid base64");
	}
	const binary = atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), "="));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
