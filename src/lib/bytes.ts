// Fixed-width integers and four-character tags read from file headers: PNG
// is big-endian, RIFF (WebP) little-endian. One set of readers for every
// format module; reads past the end are the callers' to prevent.

export const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
export const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
export const u32le = (b: Uint8Array, o: number) => (u24le(b, o) | (b[o + 3]! << 24)) >>> 0;
export const u32be = (b: Uint8Array, o: number) =>
	((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** `n` bytes at `o` as Latin-1 text (chunk types, signatures). */
export const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
