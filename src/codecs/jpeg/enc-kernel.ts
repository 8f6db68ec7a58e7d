// The JPEG encoder kernel's plumbing (assembly/jpegenc.ts): its exports, a
// fresh instance per encode metered while it lives, the quantisation modes,
// and the checks every entry point makes.
import jpegencModule from "../../../build/kernels/jpegenc.wasm";
import { TooLargeError } from "../../lib/errors";
import { instantiateKernel } from "../../lib/kernel";
import { HeapMeter } from "../meter";

/** Exports of build/kernels/jpegenc.wasm (assembly/jpegenc.ts). */
export interface JpegEncKernel {
	memory: WebAssembly.Memory;
	heapBytes(w: number, h: number, cap: number): number;
	setup(w: number, h: number, quality: number, cap: number, flags: number): number;
	isDirect(): number;
	strip(rows: number, pass: number): void;
	tables(): void;
	storedStrips(): number;
	replay(): void;
	finish(): void;
}

/** Rows per strip: one MCU row of 4:2:0. */
export const STRIP_ROWS = 16;
/** JS beside the kernel: the output chunk in flight (the file itself aside, as for PNG). */
export const JS_BYTES = 64 * 1024;

export const meter = new HeapMeter();

export function create(emitBytes: (ptr: number, len: number) => void): JpegEncKernel {
	return instantiateKernel<JpegEncKernel>(jpegencModule, "jpeg encoder", { emitBytes });
}

/**
 * How the encoder quantises. "compact" (the default): MozJPEG's default
 * table (N. Robidoux's, for luma and chroma alike) scaled by quality as
 * IJG's, and trellis quantisation; files within a few percent of MozJPEG's
 * at equal quality and smaller at equal PSNR (bench/jpeg). "libjpeg": the
 * Annex K tables and plain rounding, whose scan data is byte for byte
 * cjpeg -dct int -optimize.
 */
export type JpegMode = "compact" | "libjpeg";

/** Kernel setup flags (assembly/jpegenc.ts): MozJPEG's table, trellis. */
export const FLAGS: Record<JpegMode, number> = { compact: 3, libjpeg: 0 };

/** Largest kernel heap one JPEG encode has reached in this isolate. */
export const jpegEncodePeakBytes = () => meter.peakBytes();
/** Kernel heap bytes held by JPEG encodes in progress. */
export const jpegEncodeLiveBytes = () => meter.liveBytes();
/** Kernel heap of the most recent JPEG encode to finish (for tests and benchmarks). */
export const jpegEncodeLastBytes = () => meter.lastBytes();

export function checkEncode(width: number, height: number, quality: number): void {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`image size ${width}x${height} is not a positive integer size`);
	}
	if (width > 65535 || height > 65535) {
		throw new TooLargeError("image_too_large", `a ${width}x${height} image is larger than JPEG allows`);
	}
	if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
		throw new RangeError(`JPEG quality ${quality} is not an integer from 1 to 100`);
	}
}

export const noRoom = (width: number, height: number) =>
	new TooLargeError("image_too_large", `a ${width}x${height} image does not fit the JPEG encoder's memory`);

/** The file as the kernel emits it: copied out of the heap piece by piece, joined once at the end. */
export class Chunks {
	private readonly parts: Uint8Array[] = [];
	private total = 0;
	push(view: Uint8Array): void {
		this.parts.push(view.slice());
		this.total += view.length;
	}
	join(): Uint8Array {
		const out = new Uint8Array(this.total);
		let o = 0;
		for (const c of this.parts) {
			out.set(c, o);
			o += c.length;
		}
		return out;
	}
}
