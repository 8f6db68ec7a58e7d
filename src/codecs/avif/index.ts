// AVIF output through libavif (@jsquash/avif's single-thread emscripten build); never read.
export { AVIF_MAX_SIDE, avifEncodeBytes, avifRefusal, avifReservationBytes, avifWriter } from "./format";
export { AVIF_SPEED, avifLastBytes, avifLiveBytes, avifPeakBytes, encodeAvif, resetAvifPeakForTest } from "./libavif";
