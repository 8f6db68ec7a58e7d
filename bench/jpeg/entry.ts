// What bench/jpeg/run.mjs bundles for Node: the app's own codecs (src/codecs,
// the same wasm kernels) and the test references for MozJPEG and PSNR.
export { decodePlanned, openRowSink, openRowSource, planDecode, probeImage } from "../../src/codecs";
export {
	decodeJpeg,
	encodeJpeg,
	jpegEncodeLastBytes,
	jpegLastHeapBytes,
	jpegSinkBytes,
} from "../../src/codecs/jpeg";
export { rowSourceBytes } from "../../src/codecs/rows";
export { pump } from "../../src/lib/strips";
export { psnr } from "../../test/helpers/metrics";
export { mozjpegEncodeReference } from "../../test/helpers/mozjpeg";
