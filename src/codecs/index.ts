export { codecHeapBytes, codecPeakBytes, codecResidentBytes, resetCodecPeakForTest } from "./codec";
export { chooseOutput, type EncodedImage, encodeImage, type OutputChoice, toDataUrl } from "./encode";
export { decodeHeapBytes, encodeHeapBytes } from "./heap";
export { checkDimensions, decodeImage, decodeToFit, type LoadedImage, loadImage } from "./load";
export { displaySize, type ImageInfo, probeImage } from "./probe";
export { type ImageFormat, MIME_TYPES, SUPPORTED_FORMATS, sniffFormat } from "./sniff";
