export { emscriptenLiveBytes, emscriptenPeaks, resetEmscriptenPeaksForTest } from "./codec";
export { chooseOutput, type EncodedImage, encodeImage, type OutputChoice, toDataUrl } from "./encode";
export { encodeHeapBytes } from "./heap";
export {
	checkDimensions,
	type DimensionLimits,
	decodeImage,
	decodePlanned,
	decodeToFit,
	type LoadedImage,
	loadImage,
} from "./load";
export { checkWholeFrame, type DecodePlan, decodePhaseBytes, fitSize, planDecode } from "./plan";
export { displaySize, type ImageInfo, isComplete, probeImage } from "./probe";
export { type ImageFormat, MIME_TYPES, SUPPORTED_FORMATS, sniffFormat } from "./sniff";
export { codecHeapBytes, codecPeaks } from "./status";
