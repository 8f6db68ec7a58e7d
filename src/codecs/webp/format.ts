import { u32le } from "../../lib/bytes";
import { UnprocessableError } from "../../lib/errors";
import type { Pixels } from "../../lib/pixels";
import { resizeArea } from "../../lib/resize";
import { type FormatReader, type FormatWriter, startsWith } from "../format";
import type { ImageInfo } from "../probe";
import { firstWebpFrame, onCanvas } from "./anim";
import { decodeWebp, encodeWebp } from "./libwebp";
import { probeWebp } from "./probe";

const MB = 1024 * 1024;
/**
 * The smallest a libwebp call's heap ends up: the modules' initial 16.1-16.2
 * MiB, grown once by emscripten's 20% step when an image needs a little more.
 * Measured on a 4000x3000 frame (the heap's final size, which includes
 * emscripten's growth steps), bytes per pixel: decode lossy 4.9, lossless
 * 8.0, encode (lossy) 11.6. Below about 1 MP the initial heap is the size.
 */
const MIN_HEAP = 19.5 * MB;

/** libwebp's heap and our RGBA copy of the whole frame, both alive until it is resampled. */
export function webpDecodeBytes(info: ImageInfo): number {
	const pixels = info.width * info.height;
	return Math.max(MIN_HEAP, Math.ceil(((info.lossless ? 80 : 49) * pixels) / 10)) + 4 * pixels;
}

/**
 * libwebp has no scaled decode: the frame is decoded whole, then area
 * resampled. An animated WebP gives its first frame on the full canvas.
 */
async function decode(bytes: Uint8Array, info: ImageInfo, width: number, height: number): Promise<Pixels> {
	let full: Pixels;
	if (info.animated) {
		const frame = firstWebpFrame(bytes, info.width, info.height);
		full = onCanvas(await decodeWebp(frame.still), frame.x, frame.y, info.width, info.height);
	} else {
		full = await decodeWebp(bytes);
	}
	if (full.width !== info.width || full.height !== info.height) {
		throw new UnprocessableError("undecodable_image", "the decoded size does not match the image header");
	}
	return width === full.width && height === full.height ? full : resizeArea(full, width, height);
}

export const webpReader: FormatReader = {
	format: "webp",
	mime: "image/webp",
	// RIFF....WEBP
	sniff: (bytes) => startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8),
	probe: probeWebp,
	// The RIFF size within the file.
	complete: (bytes) => bytes.length >= 12 && 8 + u32le(bytes, 4) <= bytes.length,
	plan: (_bytes, info) => ({ denom: 1, decoderBytes: webpDecodeBytes(info), wholeFrame: true }),
	wholeFrame: { reason: "WebP images are" },
	decode: (bytes, plan) => decode(bytes, plan.info, plan.width, plan.height),
};

/** Lossy WebP through libwebp, a fresh instance per call (./libwebp.ts). */
export const webpWriter: FormatWriter = {
	format: "webp",
	mime: "image/webp",
	encode: encodeWebp,
	heapBytes: (width, height) => Math.max(MIN_HEAP, Math.ceil((116 * width * height) / 10)),
};
