// The JPEG decoder's TypeScript face: header probe, scale choice, memory
// plan and the decode itself (kernel: assembly/jpeg.ts).
export { decodeJpeg, jpegLastHeapBytes, jpegLiveBytes, jpegPeakBytes, jpegRowSource } from "./decode";
export {
	encodeJpeg,
	jpegEncodeBytes,
	jpegEncodeLastBytes,
	jpegEncodeLiveBytes,
	jpegEncodePeakBytes,
	jpegSink,
	jpegSinkBytes,
	jpegSinkSymbolBytes,
} from "./encode";
export { jpegReader, jpegWriter } from "./format";
export { type JpegFrame, readJpegFrame } from "./header";
export { JPEG_MAX_PASSES, type JpegScale, jpegDecodeBytes, jpegPasses, jpegScale, KERNEL_STATIC_BYTES } from "./plan";
