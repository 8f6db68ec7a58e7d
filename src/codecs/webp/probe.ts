import { ascii, u16le, u24le, u32le } from "../../lib/bytes";
import { corruptHeader } from "../format";
import type { ImageInfo } from "../probe";

/** Whether a top-level RIFF chunk of this type starts at or after `from` (a truncated list just ends). */
function hasChunk(b: Uint8Array, from: number, type: string): boolean {
	for (let o = from; o + 8 <= b.length; ) {
		if (ascii(b, o, 4) === type) return true;
		const size = u32le(b, o + 4);
		o += 8 + size + (size % 2);
	}
	return false;
}

/**
 * Size, alpha and animation from the first chunk: a VP8 key frame's 14-bit
 * sizes, a VP8L header's packed bits, or a VP8X canvas. Whether the
 * bitstream is lossless matters to the plan, as its decode takes more memory.
 */
export function probeWebp(b: Uint8Array): ImageInfo {
	const corrupt = (what: string) => corruptHeader("webp", what);
	if (b.length < 30) throw corrupt("the file ends before the first chunk");
	const chunk = ascii(b, 12, 4);
	const d = 20; // start of the first chunk's payload
	const base = { format: "webp" as const, orientation: 1 };
	if (chunk === "VP8 ") {
		// Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit sizes.
		if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) throw corrupt("missing VP8 start code");
		const width = u16le(b, d + 6) & 0x3fff;
		const height = u16le(b, d + 8) & 0x3fff;
		if (!width || !height) throw corrupt("zero width or height");
		return { ...base, width, height, hasAlpha: false, animated: false, lossless: false };
	}
	if (chunk === "VP8L") {
		if (b[d] !== 0x2f) throw corrupt("missing VP8L signature");
		const bits = (b[d + 1]! | (b[d + 2]! << 8) | (b[d + 3]! << 16) | (b[d + 4]! << 24)) >>> 0;
		const width = (bits & 0x3fff) + 1;
		const height = ((bits >>> 14) & 0x3fff) + 1;
		return { ...base, width, height, hasAlpha: ((bits >>> 28) & 1) === 1, animated: false, lossless: true };
	}
	if (chunk === "VP8X") {
		const flags = b[d]!;
		return {
			...base,
			width: u24le(b, d + 4) + 1,
			height: u24le(b, d + 7) + 1,
			hasAlpha: (flags & 0x10) !== 0,
			animated: (flags & 0x02) !== 0,
			// Frames of an animation nest their bitstreams; assume the costlier kind for those.
			lossless: (flags & 0x02) !== 0 || hasChunk(b, 30, "VP8L"),
		};
	}
	throw corrupt("unknown first chunk");
}
