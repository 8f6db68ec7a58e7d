import { emscriptenLiveBytes, emscriptenPeaks } from "./codec";
import { jpegLiveBytes, jpegPeakBytes } from "./jpeg";
import { pngLiveBytes, pngPeakBytes } from "./png";

/**
 * Codec memory for /api/status. Every codec gets a fresh wasm instance per
 * call and drops it after, so nothing is held between requests: the live
 * figure is the calls in progress, the peaks are each codec's largest call.
 */
export function codecHeapBytes(): number {
	return emscriptenLiveBytes() + jpegLiveBytes() + pngLiveBytes();
}

/** Largest heap one call of each codec has reached in this isolate. */
export function codecPeaks(): Record<string, number> {
	return { jpeg_decode: jpegPeakBytes(), png: pngPeakBytes(), ...emscriptenPeaks() };
}
