import jpegDecWasm from "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm";
import jpegEncWasm from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import decodeJpeg, { init as initJpegDecode } from "@jsquash/jpeg/decode.js";
import encodeJpeg, { init as initJpegEncode } from "@jsquash/jpeg/encode.js";
// @ts-expect-error the package types this file as its exports; wrangler imports it as a compiled module
import pngWasm from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";
import decodePng, { init as initPngDecode } from "@jsquash/png/decode.js";
import encodePng, { init as initPngEncode } from "@jsquash/png/encode.js";
import webpDecWasm from "@jsquash/webp/codec/dec/webp_dec.wasm";
import webpEncWasm from "@jsquash/webp/codec/enc/webp_enc_simd.wasm";
import decodeWebp, { init as initWebpDecode } from "@jsquash/webp/decode.js";
import encodeWebp, { init as initWebpEncode } from "@jsquash/webp/encode.js";
import type { Pixels } from "../lib/pixels";
import type { ImageFormat } from "./sniff";

/**
 * One emscripten instance per codec and direction, created lazily from a
 * precompiled module (workerd will not compile wasm from bytes). An instance is
 * dropped when a call fails, since an aborted emscripten runtime refuses every
 * later call, and when its heap has grown past HEAP_KEEP_BYTES, since wasm
 * memory never shrinks and only a dropped instance gives it back.
 */
const HEAP_KEEP_BYTES = 24 * 1024 * 1024;

type EmscriptenInit = (module: WebAssembly.Module, overrides: object) => Promise<unknown>;

class Slot {
	private ready: Promise<unknown> | null = null;
	private memory: WebAssembly.Memory | null = null;
	constructor(
		private readonly init: EmscriptenInit,
		private readonly module: WebAssembly.Module,
	) {}

	/** Bytes of wasm memory this codec holds now (0 when not instantiated). */
	heapBytes(): number {
		return this.ready && this.memory ? this.memory.buffer.byteLength : 0;
	}

	async run<T>(call: () => Promise<T>): Promise<T> {
		this.ready ??= this.init(this.module, {
			// Instantiate ourselves to keep a handle on the instance's memory.
			instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
				const instance = new WebAssembly.Instance(this.module, imports);
				this.memory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory) ?? null;
				done(instance);
				return instance.exports;
			},
		});
		try {
			await this.ready;
			return await call();
		} catch (err) {
			this.drop();
			throw err;
		} finally {
			if (this.heapBytes() > HEAP_KEEP_BYTES) this.drop();
		}
	}

	drop(): void {
		this.ready = null;
		this.memory = null;
	}
}

const slots = {
	jpegDecode: new Slot(initJpegDecode as EmscriptenInit, jpegDecWasm),
	jpegEncode: new Slot(initJpegEncode as EmscriptenInit, jpegEncWasm),
	webpDecode: new Slot(initWebpDecode as EmscriptenInit, webpDecWasm),
	webpEncode: new Slot(initWebpEncode as EmscriptenInit, webpEncWasm),
};

// The png crate's wasm-bindgen glue keeps one module for both directions and
// allocates per call from its own heap, so it is initialised once and kept.
let pngReady: Promise<unknown> | null = null;
function pngModule(): Promise<unknown> {
	pngReady ??= initPngDecode(pngWasm).then(() => initPngEncode(pngWasm));
	return pngReady.catch((err) => {
		pngReady = null;
		throw err;
	});
}

/** Wasm memory the codecs hold right now, for status reporting. */
export function codecHeapBytes(): number {
	return Object.values(slots).reduce((sum, s) => sum + s.heapBytes(), 0);
}

function toPixels(image: { data: Uint8ClampedArray; width: number; height: number }): Pixels {
	return { data: image.data, width: image.width, height: image.height };
}

/** Decodes to RGBA in stored orientation. Throws whatever the codec throws. */
export async function decodeBytes(format: ImageFormat, bytes: Uint8Array): Promise<Pixels> {
	// The codecs take an ArrayBuffer; slice only when the view does not cover its buffer.
	const buffer =
		bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
			? (bytes.buffer as ArrayBuffer)
			: (bytes.slice().buffer as ArrayBuffer);
	switch (format) {
		case "jpeg":
			return slots.jpegDecode.run(async () => toPixels(await decodeJpeg(buffer)));
		case "webp":
			return slots.webpDecode.run(async () => toPixels(await decodeWebp(buffer)));
		case "png":
			await pngModule();
			return toPixels(await decodePng(buffer));
	}
}

/** Encodes RGBA pixels; quality 1-100 applies to JPEG and lossy WebP. */
export async function encodeBytes(format: ImageFormat, pixels: Pixels, quality: number): Promise<Uint8Array> {
	// The codecs only read data, width and height: our Pixels shape.
	const image = pixels as unknown as Parameters<typeof encodeJpeg>[0];
	switch (format) {
		case "jpeg":
			return slots.jpegEncode.run(async () => new Uint8Array(await encodeJpeg(image, { quality })));
		case "webp":
			return slots.webpEncode.run(async () => new Uint8Array(await encodeWebp(image, { quality })));
		case "png":
			await pngModule();
			return new Uint8Array(await encodePng(image));
	}
}
