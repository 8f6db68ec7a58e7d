import { md5Hex } from "../lib/md5";

export interface KeyParts {
	/** Hex MD5 of the uploaded bytes. */
	inputMd5: string;
	/** The operation, e.g. "style:oil" or "ocr". */
	operation: string;
	/** Options after validation and defaults, so equivalent requests share a key. */
	options: Record<string, string | number | boolean>;
	/** Model or kernel version: a new model never serves an old answer. */
	version: string;
}

/** Stable text for options: sorted keys, numbers in shortest round-trip form. */
export function canonicalOptions(options: KeyParts["options"]): string {
	return Object.keys(options)
		.sort()
		.map((k) => `${k}=${String(options[k])}`)
		.join("&");
}

/** A URL-safe, fixed-length key; also the strong ETag of the result. */
export async function resultKey(parts: KeyParts): Promise<string> {
	const text = [parts.inputMd5, parts.operation, canonicalOptions(parts.options), parts.version].join("|");
	return md5Hex(new TextEncoder().encode(text));
}

export const etagOf = (key: string) => `"${key}"`;

/** True when an If-None-Match header names this key (or is "*"). */
export function matchesEtag(ifNoneMatch: string | undefined, key: string): boolean {
	if (!ifNoneMatch) return false;
	const tag = etagOf(key);
	return ifNoneMatch.split(",").some((t) => {
		const v = t.trim();
		return v === "*" || v === tag || v === `W/${tag}`;
	});
}
