import webpDecode from "@jsquash/webp/codec/dec/webp_dec.js";
import webpDecWasm from "@jsquash/webp/codec/dec/webp_dec.wasm";
import webpEncode from "@jsquash/webp/codec/enc/webp_enc_simd.js";
import webpEncWasm from "@jsquash/webp/codec/enc/webp_enc_simd.wasm";
import { defaultOptions as webpDefaults } from "@jsquash/webp/meta.js";
import type { Pixels } from "../../lib/pixels";
import { withEmscripten } from "../emscripten";
import { HeapMeter } from "../meter";

/**
 * libwebp, from emscripten (JPEG and PNG are our own kernels, which decode
 * straight to the size the work needs and encode in strips; libwebp has no
 * scaled decode, so a WebP is decoded whole). It gets a fresh instance for every
 * call (../emscripten.ts); jsquash's own wrappers keep the last instance in
 * module state, so we call the factories directly. A fresh instance costs less than the run-to-run noise of
 * one preview encode (measured in Node with MozJPEG's encoder, 1024x768
 * JPEG: 126-141 ms fresh, 109-137 ms kept), and an aborted runtime can never poison a later call.
 * Each heap starts at the module's 16 MiB. Rewriting the modules to start at
 * 1 MiB made a small call hold only what it needed, but in workerd the many
 * small growth steps left RSS climbing: a 500-request soak without unload
 * cycles went 289.5 -> 331.5 MB (floors), against 290.9 -> 309.2 as shipped.
 */
// One meter per codec: the heaps of its calls in progress (they grow during the call) and the largest reached.
type EmscriptenCodec = "webp_decode" | "webp_encode";
const meters: Record<EmscriptenCodec, HeapMeter> = { webp_decode: new HeapMeter(), webp_encode: new HeapMeter() };

/** Largest heap one call of each emscripten codec has reached in this isolate. */
export function libwebpPeaks(): Record<EmscriptenCodec, number> {
	return { webp_decode: meters.webp_decode.peakBytes(), webp_encode: meters.webp_encode.peakBytes() };
}

/** Heaps of the emscripten codec calls in progress. */
export function libwebpLiveBytes(): number {
	return meters.webp_decode.liveBytes() + meters.webp_encode.liveBytes();
}

export function resetLibwebpPeaksForTest(): void {
	for (const m of Object.values(meters)) m.reset();
}

type ImageOut = { data: Uint8ClampedArray; width: number; height: number } | null;
type Decoder = { decode(buffer: ArrayBuffer, preserveOrientation?: boolean): ImageOut };
type Encoder = { encode(data: Uint8ClampedArray, width: number, height: number, options: object): Uint8Array | null };

function decoded(image: ImageOut, codec: string): ImageOut & object {
	if (!image) throw new Error(`${codec} could not decode the data`);
	return image;
}

function toPixels(image: { data: Uint8ClampedArray; width: number; height: number }): Pixels {
	return { data: image.data, width: image.width, height: image.height };
}

/** Decodes a whole WebP to RGBA (libwebp exposes no scaled decode). Throws whatever the codec throws. */
export async function decodeWebp(bytes: Uint8Array): Promise<Pixels> {
	// The codec takes an ArrayBuffer; slice only when the view does not cover its buffer.
	const buffer =
		bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
			? (bytes.buffer as ArrayBuffer)
			: (bytes.slice().buffer as ArrayBuffer);
	return withEmscripten(meters.webp_decode, webpDecode, webpDecWasm, (m: Decoder) =>
		toPixels(decoded(m.decode(buffer), "libwebp")),
	);
}

/** Encodes RGBA pixels as lossy WebP at quality 1-100. */
export async function encodeWebp(pixels: Pixels, quality: number): Promise<Uint8Array> {
	const { data, width, height } = pixels;
	return withEmscripten(meters.webp_encode, webpEncode, webpEncWasm, (m: Encoder) => {
		const out = m.encode(data, width, height, { ...webpDefaults, quality });
		if (!out) throw new Error("libwebp could not encode the image");
		// The result may be a view into the instance's heap: copy it out before the heap goes.
		return out.slice();
	});
}
