import { ascii, u24le, u32le } from "../../lib/bytes";
import { UnprocessableError } from "../../lib/errors";
import type { Pixels } from "../../lib/pixels";

/**
 * Animated WebP: libwebp's still-image decoder refuses a file with ANMF
 * frames, yet animated stickers and screen recordings are common uploads.
 * We use the first frame, as a still preview of a GIF shows its first frame:
 * its bitstream (ALPH + VP8, or VP8L) is rewrapped as a still WebP, decoded,
 * and placed at its offset on a transparent canvas of the declared size.
 */

interface Chunk {
	type: string;
	data: Uint8Array;
}

/** Chunks of a RIFF body from `from` to `to`; a chunk running past the end is corrupt. */
function chunks(b: Uint8Array, from: number, to: number): Chunk[] {
	const out: Chunk[] = [];
	for (let o = from; o + 8 <= to; ) {
		const size = u32le(b, o + 4);
		if (o + 8 + size > to) throw corrupt("a chunk runs past the end of the file");
		out.push({ type: ascii(b, o, 4), data: b.subarray(o + 8, o + 8 + size) });
		o += 8 + size + (size % 2);
	}
	return out;
}

function corrupt(what: string): UnprocessableError {
	return new UnprocessableError("corrupt_image", `the animated WebP is invalid: ${what}`);
}

export interface WebpFrame {
	/** A still WebP file holding only the frame's bitstream. */
	still: Uint8Array;
	x: number;
	y: number;
	width: number;
	height: number;
}

/** The first ANMF frame of an animated WebP, as a still file and its place on the canvas. */
export function firstWebpFrame(file: Uint8Array, canvasWidth: number, canvasHeight: number): WebpFrame {
	const end = Math.min(file.length, 8 + u32le(file, 4));
	const frame = chunks(file, 12, end).find((c) => c.type === "ANMF");
	if (!frame || frame.data.length < 16) throw corrupt("it has no complete frame");
	const f = frame.data;
	const x = 2 * u24le(f, 0);
	const y = 2 * u24le(f, 3);
	const width = u24le(f, 6) + 1;
	const height = u24le(f, 9) + 1;
	if (x + width > canvasWidth || y + height > canvasHeight) throw corrupt("the first frame lies outside the canvas");
	const parts = chunks(f, 16, f.length).filter((c) => c.type === "ALPH" || c.type === "VP8 " || c.type === "VP8L");
	const image = parts.find((c) => c.type !== "ALPH");
	if (!image) throw corrupt("the first frame has no image data");
	const alpha = image.type === "VP8 " ? parts.find((c) => c.type === "ALPH") : undefined;
	const body: Chunk[] = [];
	if (alpha) {
		const vp8x = new Uint8Array(10);
		vp8x[0] = 0x10; // alpha
		vp8x.set([(width - 1) & 0xff, ((width - 1) >> 8) & 0xff, (width - 1) >> 16], 4);
		vp8x.set([(height - 1) & 0xff, ((height - 1) >> 8) & 0xff, (height - 1) >> 16], 7);
		body.push({ type: "VP8X", data: vp8x }, alpha);
	}
	body.push(image);
	return { still: riff(body), x, y, width, height };
}

function riff(body: Chunk[]): Uint8Array {
	const size = 4 + body.reduce((n, c) => n + 8 + c.data.length + (c.data.length % 2), 0);
	const out = new Uint8Array(8 + size);
	const v = new DataView(out.buffer);
	out.set([0x52, 0x49, 0x46, 0x46], 0);
	v.setUint32(4, size, true);
	out.set([0x57, 0x45, 0x42, 0x50], 8);
	let o = 12;
	for (const c of body) {
		for (let i = 0; i < 4; i++) out[o + i] = c.type.charCodeAt(i);
		v.setUint32(o + 4, c.data.length, true);
		out.set(c.data, o + 8);
		o += 8 + c.data.length + (c.data.length % 2);
	}
	return out;
}

/** Places a decoded frame on a transparent canvas; returns it as is when it already fills the canvas. */
export function onCanvas(frame: Pixels, x: number, y: number, width: number, height: number): Pixels {
	if (x === 0 && y === 0 && frame.width === width && frame.height === height) return frame;
	const data = new Uint8ClampedArray(width * height * 4);
	for (let row = 0; row < frame.height; row++) {
		const from = row * frame.width * 4;
		data.set(frame.data.subarray(from, from + frame.width * 4), ((y + row) * width + x) * 4);
	}
	return { data, width, height };
}
