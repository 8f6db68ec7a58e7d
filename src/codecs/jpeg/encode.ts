import jpegencModule from "../../../build/kernels/jpegenc.wasm";
import { TooLargeError } from "../../lib/errors";
import { instantiateKernel } from "../../lib/kernel";
import { isWellFormed, type Pixels } from "../../lib/pixels";
import type { RowSink } from "../../lib/strips";
import { HeapMeter, wholePages } from "../meter";

/** Exports of build/kernels/jpegenc.wasm (assembly/jpegenc.ts). */
interface JpegEncKernel {
	memory: WebAssembly.Memory;
	heapBytes(w: number, h: number, cap: number): number;
	setup(w: number, h: number, quality: number, cap: number): number;
	isDirect(): number;
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
	const bytes = create(() => {}).heapBytes(width, height, 0);
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
	checkEncode(width, height, quality);
	const out = new Chunks();
	let memory: WebAssembly.Memory | undefined;
	const k = create((ptr, len) => out.push(new Uint8Array(memory!.buffer, ptr, len)));
	memory = k.memory;
	meter.start(memory);
	try {
		const input = k.setup(width, height, quality, 0);
		if (input === 0) throw noRoom(width, height);
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
	return out.join();
}

function checkEncode(width: number, height: number, quality: number): void {
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

const noRoom = (width: number, height: number) =>
	new TooLargeError("image_too_large", `a ${width}x${height} image does not fit the JPEG encoder's memory`);

/** The file as the kernel emits it: copied out of the heap piece by piece, joined once at the end. */
class Chunks {
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

/** Upper bound of the encoder kernel's static data (__heap_base; tables and counts, about 14 KB as built). */
export const JPEGENC_STATIC_BYTES = 32768;

/**
 * A sink's symbol buffer: about 0.35 bytes a pixel (a 12 MP photo at q95
 * keeps under 0.2), from 1 MiB up to 4 MiB. An image whose symbols pass it
 * (noise, or q100) gets tables from the counts of the rows before, which
 * costs a little size, never memory.
 */
export function jpegSinkSymbolBytes(width: number, height: number): number {
	const px = Math.ceil(width / 16) * 16 * Math.ceil(height / 16) * 16;
	return Math.ceil(Math.min(4 * MB, Math.max(MB, px * 0.35)) / 65536) * 65536;
}
const MB = 1024 * 1024;

/**
 * Kernel heap (whole pages) plus JS buffers of a JPEG sink of this size,
 * from the kernel's layout (assembly/jpegenc.ts) without making a kernel:
 * 16 RGBA rows of input, the colour planes of one MCU row, the output
 * buffer and the symbol buffer. Output file aside.
 */
export function jpegSinkBytes(width: number, height: number): number {
	const st = Math.ceil(width / 16) * 16;
	let cursor = Math.ceil(JPEGENC_STATIC_BYTES / 64) * 64;
	for (const n of [width * 4 * 16, st * 16, st * 16, st * 16, st * 4, st * 4, 256, 65536]) {
		cursor = Math.ceil(cursor / 64) * 64 + n;
	}
	cursor = Math.ceil(cursor / 64) * 64 + jpegSinkSymbolBytes(width, height);
	return wholePages(cursor) + JS_BYTES;
}

/**
 * A JPEG encode fed strip by strip (any row counts, top to bottom), each
 * strip seen once: the counting pass keeps every block's symbols in the
 * kernel's symbol buffer, and end() makes the optimal tables and codes them
 * from there. The same file as encodeJpeg's while the symbols fit the
 * buffer (jpegSinkSymbolBytes); past it, tables from the counts so far.
 */
export function jpegSink(width: number, height: number, quality: number): RowSink {
	checkEncode(width, height, quality);
	const out = new Chunks();
	let memory: WebAssembly.Memory | undefined;
	const k = create((ptr, len) => out.push(new Uint8Array(memory!.buffer, ptr, len)));
	memory = k.memory;
	meter.start(memory);
	let live = true;
	const release = () => {
		if (live) meter.end(memory!);
		live = false;
	};
	const input = k.setup(width, height, quality, jpegSinkSymbolBytes(width, height));
	if (input === 0) {
		release();
		throw noRoom(width, height);
	}
	const heap = new Uint8Array(memory.buffer);
	const stride = width * 4;
	let fill = 0; // rows in the strip input
	let rows = 0; // rows written
	return {
		width,
		height,
		heldBytes: 0,
		async write(strip: Pixels): Promise<void> {
			if (!live) throw new RangeError("the JPEG sink is closed");
			if (strip.width !== width || !isWellFormed(strip)) {
				throw new RangeError(`a strip of ${strip.width}x${strip.height} does not fit a ${width}-wide sink`);
			}
			if (rows + strip.height > height) throw new RangeError(`more than ${height} rows written`);
			const src = new Uint8Array(strip.data.buffer, strip.data.byteOffset, strip.data.byteLength);
			try {
				for (let y = 0; y < strip.height; ) {
					const n = Math.min(STRIP_ROWS - fill, strip.height - y);
					heap.set(src.subarray(y * stride, (y + n) * stride), input + fill * stride);
					fill += n;
					y += n;
					if (fill === STRIP_ROWS) {
						k.strip(STRIP_ROWS, 0);
						fill = 0;
					}
				}
				rows += strip.height;
			} catch (e) {
				release();
				throw e;
			}
		},
		async end(): Promise<Uint8Array> {
			if (!live) throw new RangeError("the JPEG sink is closed");
			try {
				if (rows !== height) throw new RangeError(`${rows} of ${height} rows written`);
				if (fill > 0) k.strip(fill, 0);
				if (k.isDirect() === 0) {
					k.tables();
					const kept = k.storedStrips();
					for (let i = 0; i < kept; i++) k.replay();
				}
				k.finish();
			} finally {
				release();
			}
			return out.join();
		},
		abort: release,
	};
}
