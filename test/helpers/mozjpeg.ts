import mozjpegDecode from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import jpegDecWasm from "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm";
import mozjpegEncode from "@jsquash/jpeg/codec/enc/mozjpeg_enc.js";
import jpegEncWasm from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm";
import { defaultOptions as jpegDefaults } from "@jsquash/jpeg/meta.js";
import type { Pixels } from "../../src/lib/pixels";

/**
 * MozJPEG's decoder (libjpeg-turbo's decode path), the one the app used
 * before it had its own: a reference for the tests only. A fresh instance
 * per call, made from the precompiled module as workerd requires.
 */
export async function mozjpegDecodeReference(bytes: Uint8Array): Promise<Pixels> {
	type Out = { data: Uint8ClampedArray; width: number; height: number } | null;
	const m = (await (mozjpegDecode as unknown as (o: object) => Promise<{ decode(b: ArrayBuffer, p: boolean): Out }>)({
		noInitialRun: true,
		instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
			const created = new WebAssembly.Instance(jpegDecWasm, imports);
			done(created);
			return created.exports;
		},
	})) as { decode(b: ArrayBuffer, p: boolean): Out };
	const out = m.decode(bytes.slice().buffer as ArrayBuffer, false);
	if (!out) throw new Error("MozJPEG could not decode the data");
	return { data: out.data, width: out.width, height: out.height };
}

/**
 * MozJPEG's baseline encode as the app shipped it before it had its own
 * encoder (jsquash's defaults, not progressive): the reference for file size
 * and PSNR at equal quality. A fresh instance per call.
 */
export async function mozjpegEncodeReference(pixels: Pixels, quality: number): Promise<Uint8Array> {
	type Enc = { encode(d: Uint8ClampedArray, w: number, h: number, o: object): Uint8Array | null };
	const m = (await (mozjpegEncode as unknown as (o: object) => Promise<Enc>)({
		noInitialRun: true,
		instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
			const created = new WebAssembly.Instance(jpegEncWasm, imports);
			done(created);
			return created.exports;
		},
	})) as Enc;
	const out = m.encode(pixels.data, pixels.width, pixels.height, { ...jpegDefaults, quality, progressive: false });
	if (!out) throw new Error("MozJPEG could not encode the image");
	return out.slice();
}
