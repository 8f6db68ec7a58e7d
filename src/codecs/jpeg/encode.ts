import jpegencModule from "../../../build/kernels/jpegenc.wasm";
import { TooLargeError } from "../../lib/errors";
import { instantiateKernel } from "../../lib/kernel";
import { isWellFormed, type Pixels } from "../../lib/pixels";
import { HeapMeter, wholePages } from "../meter";

/** Exports of build/kernels/jpegenc.wasm (assembly/jpegenc.ts). */
interface JpegEncKernel {
	memory: WebAssembly.Memory;
	heapBytes(w: number, h: number): number;
	setup(w: number, h: number, quality: number): number;
	strip(rows: number, pass: number): void;
	tables(): void;
	storedStrips(): number;
	replay(): void;
	finish(): void;
}

/** Rows per strip: one MCU row of 4:2:0. */
const STRIP_ROWS = 16;
/** JS beside the kernel: the output chunk in flight (the file itself aside, as for PNG). */
const JS_BYTES = 64 * 1024;

const meter = new HeapMeter();

function create(emitBytes: (ptr: number, len: number) => void): JpegEncKernel {
	return instantiateKernel<JpegEncKernel>(jpegencModule, "jpeg encoder", { emitBytes });
}

/** Kernel heap (whole pages: strips, and a symbol buffer of 1.5 bytes a pixel up to 2 MiB) plus JS
 * buffers one encode of this size takes, input pixels and output file aside. */
export function jpegEncodeBytes(width: number, height: number): number {
	const bytes = create(() => {}).heapBytes(width, height);
	return wholePages(bytes) + JS_BYTES;
}

/** Largest kernel heap one JPEG encode has reached in this isolate. */
export const jpegEncodePeakBytes = () => meter.peakBytes();
/** Kernel heap bytes held by JPEG encodes in progress. */
export const jpegEncodeLiveBytes = () => meter.liveBytes();
/** Kernel heap of the most recent JPEG encode to finish (for tests and benchmarks). */
export const jpegEncodeLastBytes = () => meter.lastBytes();

/**
 * Baseline JFIF, 4:2:0, libjpeg's islow DCT and Annex K tables scaled to
 * `quality` (1-100), optimal Huffman tables: the scan cjpeg -dct int
 * -optimize writes. Alpha is ignored. The kernel sees the image 16 rows at a
 * time, counting symbols and keeping them in its symbol buffer (at most
 * 2 MiB); the coding pass codes the kept strips from there and has the rest
 * fed again. Output leaves in 64 KiB pieces, so the kernel holds a few
 * strips and the buffer, never the frame or the file.
 */
export function encodeJpeg(pixels: Pixels, quality: number): Uint8Array {
	const { width, height, data } = pixels;
	if (!isWellFormed(pixels)) {
		throw new RangeError(`pixel buffer of ${data.length} bytes is not ${width}x${height} RGBA`);
	}
	if (width > 65535 || height > 65535) {
		throw new TooLargeError("image_too_large", `a ${width}x${height} image is larger than JPEG allows`);
	}
	if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
		throw new RangeError(`JPEG quality ${quality} is not an integer from 1 to 100`);
	}
	const chunks: Uint8Array[] = [];
	let total = 0;
	let memory: WebAssembly.Memory | undefined;
	const k = create((ptr, len) => {
		chunks.push(new Uint8Array(memory!.buffer, ptr, len).slice());
		total += len;
	});
	memory = k.memory;
	meter.start(memory);
	try {
		const input = k.setup(width, height, quality);
		if (input === 0) {
			throw new TooLargeError("image_too_large", `a ${width}x${height} image does not fit the JPEG encoder's memory`);
		}
		const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		const stride = width * 4;
		// The heap never moves after setup (no growth), so one view serves every strip.
		const heap = new Uint8Array(memory.buffer);
		const feed = (from: number, pass: number) => {
			for (let y = from; y < height; y += STRIP_ROWS) {
				const n = Math.min(STRIP_ROWS, height - y);
				heap.set(src.subarray(y * stride, (y + n) * stride), input);
				k.strip(n, pass);
			}
		};
		feed(0, 0);
		k.tables();
		const kept = k.storedStrips();
		for (let i = 0; i < kept; i++) k.replay();
		feed(kept * STRIP_ROWS, 1);
		k.finish();
	} finally {
		meter.end(memory);
	}
	const out = new Uint8Array(total);
	let o = 0;
	for (const c of chunks) {
		out.set(c, o);
		o += c.length;
	}
	return out;
}
