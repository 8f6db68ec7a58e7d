import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { AppError } from "../../src/lib/errors";

export const BASE = "http://inkstone.test";

export type Envelope = {
	success: boolean;
	data: Record<string, unknown> | null;
	error: { code: string; message: string } | null;
	request_id: string;
	timestamp: string;
};

export async function post(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
	return SELF.fetch(`${BASE}${path}`, { method: "POST", body, headers });
}

export async function postImage(path: string, bytes: Uint8Array, type = "application/octet-stream"): Promise<Response> {
	return post(path, bytes, { "content-type": type });
}

/** Asserts a JSON error envelope with the given status and code, and returns it. */
export async function expectError(res: Response, status: number, code: string): Promise<Envelope> {
	const body = (await res.json()) as Envelope;
	expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
	expect(body.success).toBe(false);
	expect(body.data).toBeNull();
	expect(typeof body.error?.message).toBe("string");
	expect(body.request_id).toBe(res.headers.get("x-request-id"));
	return body;
}

export async function expectOk(res: Response): Promise<Record<string, unknown>> {
	const body = (await res.json()) as Envelope;
	if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(body.error)}`);
	expect(body.success).toBe(true);
	expect(body.error).toBeNull();
	return body.data as Record<string, unknown>;
}

/** The named error a promise rejects with (fails the test when it resolves or throws anything else). */
export async function rejection(p: Promise<unknown>): Promise<AppError> {
	const err = await p.then(
		() => null,
		(e: unknown) => e,
	);
	expect(err).toBeInstanceOf(AppError);
	return err as AppError;
}
