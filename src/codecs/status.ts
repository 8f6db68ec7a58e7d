import { avifLiveBytes, avifPeakBytes } from "./avif";
import { jpegEncodeLiveBytes, jpegEncodePeakBytes, jpegLiveBytes, jpegPeakBytes } from "./jpeg";
import { pngLiveBytes, pngPeakBytes } from "./png";
import { libwebpLiveBytes, libwebpPeaks } from "./webp";

/**
 * Codec memory for /api/status. Every codec gets a fresh wasm instance per
 * call and drops it after, so nothing is held between requests: the live
 * figure is the calls in progress, the peaks are each codec's largest call.
 */
export function codecHeapBytes(): number {
	return libwebpLiveBytes() + jpegLiveBytes() + jpegEncodeLiveBytes() + pngLiveBytes() + avifLiveBytes();
}

/** Largest heap one call of each codec has reached in this isolate. */
export function codecPeaks(): Record<string, number> {
	return {
		jpeg_decode: jpegPeakBytes(),
		jpeg_encode: jpegEncodePeakBytes(),
		png: pngPeakBytes(),
		...libwebpPeaks(),
		avif_encode: avifPeakBytes(),
	};
}
