/**
 * Memory of the emscripten codec that remains (libwebp),
 * from the header alone, so that admission can reserve it before a byte is
 * decoded. It holds far more than the RGBA it hands back. Measured on a
 * 4000x3000 frame (the heap's final size, which includes emscripten's growth
 * steps), bytes per pixel:
 *
 * | call                          | heap |
 * |-------------------------------|------|
 * | WebP decode, lossy / lossless | 4.9 / 8.0 |
 * | WebP encode (lossy)           | 11.6 |
 *
 * Below about 1 MP the module's initial 16 MiB heap is the size instead.
 * Our own decoders and encoders (./jpeg, ./png) report their needs
 * themselves, from their layouts: the JPEG encoder holds a few 16-row strips
 * (about 120 bytes a column) and a symbol buffer of 1.5 bytes a pixel, at
 * most 2 MiB: 1.4 MiB at 1024x768, 2.6 MiB at 4000x3000, where MozJPEG's
 * took 20.8 bytes a pixel, at least 19.5 MiB.
 */
import { jpegEncodeBytes } from "./jpeg";
import { pngEncodeBytes } from "./png";
import type { ImageInfo } from "./probe";
import type { ImageFormat } from "./sniff";

const MB = 1024 * 1024;
// The smallest a call's heap ends up: the modules' initial 16.1-16.2 MiB, grown
// once by emscripten's 20% step when an image needs a little more.
const MIN_BYTES = 19.5 * MB;

/**
 * A WebP decode: libwebp's heap and our RGBA copy of the whole frame (4 bytes
 * a pixel), both alive until the frame is resampled to the size the work needs.
 */
export function wholeFrameDecodeBytes(info: ImageInfo): number {
	const pixels = info.width * info.height;
	const heap = Math.max(MIN_BYTES, Math.ceil(((info.lossless ? 80 : 49) * pixels) / 10));
	return heap + 4 * pixels;
}

/** Memory one encode of a width x height image to `format` takes, beside the pixels it reads. */
export function encodeHeapBytes(format: ImageFormat, width: number, height: number): number {
	if (format === "png") return pngEncodeBytes(width, height);
	if (format === "jpeg") return jpegEncodeBytes(width, height);
	return Math.max(MIN_BYTES, Math.ceil((116 * width * height) / 10));
}
