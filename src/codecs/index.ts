// The codecs' face: sniffing, header probing, decode plans, decode and encode.
// One module per format (jpeg/, png/, webp/, and avif/, written only) answers for that format; the
// tables in formats.ts are how everything else reaches them. Only this folder
// touches codec wasm.
export {
	AVIF_MAX_SIDE,
	avifLastBytes,
	avifPeakBytes,
	avifRefusal,
	avifReservationBytes,
	resetAvifPeakForTest,
} from "./avif";
export {
	chooseOutput,
	DEFAULT_QUALITY,
	type EncodedImage,
	encodeImage,
	type OutputChoice,
	toDataUrl,
} from "./encode";
export type { FormatReader, FormatWriter, ImageFormat, OutputFormat, SinkOptions } from "./format";
export { encodeHeapBytes, MIME_TYPES, READERS, SUPPORTED_FORMATS, WRITERS } from "./formats";
export {
	checkDimensions,
	type DimensionLimits,
	decodeImage,
	decodePlanned,
	decodeToFit,
	type LoadedImage,
	loadImage,
} from "./load";
export { checkWholeFrame, type DecodePlan, decodePhaseBytes, fitSize, planDecode, planDecodeTo } from "./plan";
export { displaySize, type ImageInfo, isComplete, probeImage } from "./probe";
export { openRowSource, rowSourceBytes, streamsRows } from "./rows";
export { openRowSink, rowSinkBytes } from "./sinks";
export { sniffFormat } from "./sniff";
export { codecHeapBytes, codecPeaks } from "./status";
export { resetLibwebpPeaksForTest } from "./webp";
