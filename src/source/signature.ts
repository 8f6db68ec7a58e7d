import { ForbiddenError } from "../lib/errors";

/**
 * Signed URLs: `sig` is the hex HMAC-SHA256, under SIGNING_KEY, of the path
 * and query string exactly as sent with the `sig` parameter taken out. Only
 * the bytes the client sent are signed, so no decoding or reordering can make
 * two different requests share a signature.
 */

const SIG = /^[0-9a-f]{64}$/i;
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
			"verify",
		]);
		keys.set(secret, key);
	}
	return key;
}

/** The signed text of a request URL, and every `sig` value it carries. */
export function signedMessage(requestUrl: string): { message: string; signatures: string[] } {
	const url = new URL(requestUrl);
	const kept: string[] = [];
	const signatures: string[] = [];
	for (const part of url.search.slice(1).split("&")) {
		if (part === "") continue;
		const eq = part.indexOf("=");
		const name = eq < 0 ? part : part.slice(0, eq);
		if (name === "sig") signatures.push(eq < 0 ? "" : part.slice(eq + 1));
		else kept.push(part);
	}
	return { message: kept.length ? `${url.pathname}?${kept.join("&")}` : url.pathname, signatures };
}

/**
 * Refuses (403 bad_signature) a request whose one `sig` is missing, not 64
 * hex digits, or not the HMAC of its message. crypto.subtle.verify compares
 * in constant time, so timing tells nothing about how much of a guess matched.
 */
export async function verifySignature(secret: string, requestUrl: string): Promise<void> {
	const { message, signatures } = signedMessage(requestUrl);
	if (signatures.length !== 1) {
		throw new ForbiddenError(
			"bad_signature",
			signatures.length === 0 ? "this URL needs a `sig` parameter" : "send exactly one `sig` parameter",
		);
	}
	const sig = signatures[0]!;
	const ok =
		SIG.test(sig) &&
		(await crypto.subtle.verify("HMAC", await hmacKey(secret), hexBytes(sig), new TextEncoder().encode(message)));
	if (!ok) throw new ForbiddenError("bad_signature", "the `sig` parameter does not match this URL");
}

function hexBytes(hex: string): Uint8Array {
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
	return out;
}
