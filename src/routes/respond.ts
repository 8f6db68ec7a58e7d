import type { Context } from "hono";
import { successBody } from "../lib/envelope";
import { readUpload, type Upload } from "../lib/upload";
import { uploadPool } from "../models/uploads";
import type { AppEnv } from "./types";

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

/** Query options, with fields sent alongside a multipart or JSON upload filling the gaps. */
export function optionsOf(c: Context<AppEnv>, upload?: Upload): Record<string, string> {
	return { ...(upload?.fields ?? {}), ...c.req.query() };
}
