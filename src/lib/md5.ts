/** Hex MD5 of some bytes; workerd's WebCrypto supports MD5 for exactly this use (content keys, not security). */
export async function md5Hex(bytes: Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest("MD5", bytes);
	return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
	let out = "";
	for (const b of bytes) out += b.toString(16).padStart(2, "0");
	return out;
}
