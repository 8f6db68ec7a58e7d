// WebP through libwebp (@jsquash/webp's emscripten build), decoded whole.
export { firstWebpFrame, onCanvas, type WebpFrame } from "./anim";
export { webpDecodeBytes, webpReader, webpWriter } from "./format";
export { decodeWebp, encodeWebp, libwebpLiveBytes, libwebpPeaks, resetLibwebpPeaksForTest } from "./libwebp";
