// Entry of the PNG kernel module (one fresh instance per call, see
// src/codecs/png/). The decoder (_png_decode.ts) takes inflated IDAT bytes
// through an input window and streams RGBA rows out through the area
// resampler; the encoder (_png_encode.ts) filters strips of RGBA rows for the
// host's deflate. They share one arena, laid out afresh by each setup call.

export { decodeBytes, decSetup, feed, palette, WINDOW } from "./_png_decode";
export { encOutput, encodeBytes, encSetup, encStrip } from "./_png_encode";
