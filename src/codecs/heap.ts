/**
 * How much wasm heap a codec call takes, from the header alone, so that
 * admission can reserve it before a byte is decoded. The codecs hold far
 * more than the RGBA they hand back: MozJPEG keeps a progressive image's
 * coefficients for the whole decode, and its encoder (progressive, optimised
 * Huffman coding) buffers the coefficients of the whole frame. Measured on a
 * 4000x3000 frame (the heap's final size, which includes emscripten's growth
 * steps), bytes per pixel:
 *
 * | call                        | heap |
 * |-----------------------------|------|
 * | JPEG decode, baseline       | 4.3  |
 * | JPEG decode, progressive    | 8.3  |
 * | WebP decode, lossy / lossless | 4.9 / 8.0 |
 * | PNG decode, 8-bit RGBA / RGB / 16-bit RGBA | 5.3 / 9.9 / 6.8 |
 * | JPEG encode                 | 20.0 (20.8 at 1024x768) |
 * | WebP encode (lossy)         | 11.6 |
 * | PNG encode, 8-bit RGBA      | 23.3 |
 *
 * The JS copy of the decoded image (4 bytes a pixel) is on top of these.
 * Below about 1 MP the module's initial 16 MiB heap is the size instead.
 */
import type { ImageInfo } from "./probe";
import type { ImageFormat } from "./sniff";

const MB = 1024 * 1024;
// The smallest a call's heap ends up: the modules' initial 16.1-16.2 MiB, grown
// once by emscripten's 20% step when an image needs a little more.
const MIN_BYTES = 19.5 * MB;

/** Heap per pixel of decoding this image, in tenths of a byte (integers keep the sums exact). */
function decodeTenths(info: ImageInfo): number {
	switch (info.format) {
		case "jpeg":
			return info.progressive ? 83 : 43;
		case "webp":
			return info.lossless ? 80 : 49;
		case "png":
			// The widest of the measured layouts; the png crate expands RGB and palettes to RGBA.
			return 99;
	}
}

const ENCODE_TENTHS: Record<ImageFormat, number> = { jpeg: 208, webp: 116, png: 233 };

/** Wasm heap one decode of this image takes. */
export function decodeHeapBytes(info: ImageInfo): number {
	return Math.max(MIN_BYTES, Math.ceil((decodeTenths(info) * info.width * info.height) / 10));
}

/** Wasm heap one encode of a width x height image to `format` takes. */
export function encodeHeapBytes(format: ImageFormat, width: number, height: number): number {
	return Math.max(MIN_BYTES, Math.ceil((ENCODE_TENTHS[format] * width * height) / 10));
}
