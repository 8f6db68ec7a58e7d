import avifEncode from "@jsquash/avif/codec/enc/avif_enc.js";
import avifEncWasm from "@jsquash/avif/codec/enc/avif_enc.wasm";
import { defaultOptions as avifDefaults } from "@jsquash/avif/meta.js";
import type { Pixels } from "../../lib/pixels";
import { withEmscripten } from "../emscripten";
import { HeapMeter } from "../meter";

/**
 * libavif with libaom, from emscripten (jsquash's build). Only the
 * single-thread build can run here: workerd has no threads, and the threaded
 * one would try to start workers. Each encode gets a fresh instance
 * (../emscripten.ts), so its heap, about 30 bytes a pixel, is garbage once
 * the call ends.
 */

/**
 * libaom's speed (0 slowest .. 10 fastest). On a 1024 px square, 6 (jsquash's
 * default) took three times as long as 8 for the same file; 9 took half the
 * time of 8 for a file 13-17% larger at the same quality (bench/README.md).
 */
export const AVIF_SPEED = 8;

type Encoder = {
	encode(data: BufferSource, width: number, height: number, options: typeof avifDefaults): Uint8Array | null;
};

const meter = new HeapMeter();

/** Encodes RGBA to AVIF (8-bit, 4:2:0, quality 1-100 on libavif's scale); `speed` is for the bench. */
export async function encodeAvif(pixels: Pixels, quality: number, speed = AVIF_SPEED): Promise<Uint8Array> {
	const view = new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
	return withEmscripten(meter, avifEncode, avifEncWasm, (m: Encoder) => {
		// 4:2:0, as our JPEG output: the eye hardly sees chroma at half size, and it is the fastest.
		const out = m.encode(view, pixels.width, pixels.height, { ...avifDefaults, quality, speed, subsample: 1 });
		if (!out) throw new Error("libavif could not encode the image");
		// The result may be a view into the instance's heap: copy it out before the heap goes.
		return out.slice();
	});
}

/** Heaps of the AVIF encodes in progress. */
export function avifLiveBytes(): number {
	return meter.liveBytes();
}

/** Largest heap one AVIF encode has reached in this isolate. */
export function avifPeakBytes(): number {
	return meter.peakBytes();
}

/** Heap of the last AVIF encode to finish. */
export function avifLastBytes(): number {
	return meter.lastBytes();
}

export function resetAvifPeakForTest(): void {
	meter.reset();
}
