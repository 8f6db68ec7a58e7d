/**
 * PNG codec: a streaming decoder that reads straight to a reduced size and an
 * encoder, both on build/kernels/png.wasm (assembly/png.ts). Every call makes
 * its own kernel instance and drops it, so no codec heap outlives a request.
 */
export type { PngInfo } from "./chunks";
export { readPngInfo } from "./chunks";
export {
	checkPngInterlaced,
	decodePng,
	PNG_INTERLACED_MAX_PIXELS,
	pngDecodeBytes,
	pngInterlacedFrameBytes,
	pngRowSource,
} from "./decode";
export { encodePng, pngEncodeBytes, pngSink } from "./encode";
export { pngReader, pngWriter } from "./format";
export { pngLiveBytes, pngPeakBytes } from "./kernel";
