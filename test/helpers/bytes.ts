/** Byte-array helpers shared by the test writers (PNG, JPEG, WebP and hostile inputs). */

/** The bytes of every part, in order (an array of parts, for lists too long to spread). */
export function concatAll(parts: readonly (Uint8Array | number[])[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

export const concat = (...parts: (Uint8Array | number[])[]) => concatAll(parts);
