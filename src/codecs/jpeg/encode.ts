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
	setup(w: number, h: number, quality: number, cap: number, flags: number): number;
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
const FLAGS: Record<JpegMode, number> = { compact: 3, libjpeg: 0 };

/** Kernel heap (whole pages) plus JS buffers one encode of this size takes, input pixels and output
 * file aside: the sink's layout for "compact", the re-feeding encode's (a symbol buffer of 1.5
 * bytes a pixel up to 2 MiB) for "libjpeg". */
export function jpegEncodeBytes(width: number, height: number, mode: JpegMode = "compact"): number {
	if (mode === "compact") return jpegSinkBytes(width, height);
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
 * Baseline JFIF, 4:2:0, libjpeg's integer colour conversion, downsampling and
 * islow DCT, optimal Huffman tables, quantised as `mode` says (JpegMode);
 * `quality` 1-100. Alpha is ignored. The kernel sees the image 16 rows at a
 * time and keeps their symbols in its symbol buffer for the coding pass;
 * output leaves in 64 KiB pieces, so the kernel holds a few strips and the
 * buffer, never the frame or the file. Past the buffer, "compact" makes its
 * tables from the counts so far (as a sink does: the same bytes as
 * jpegSink's), "libjpeg" feeds the remaining strips again.
 */
export function encodeJpeg(pixels: Pixels, quality: number, mode: JpegMode = "compact"): Uint8Array {
	const { width, height, data } = pixels;
	if (!isWellFormed(pixels)) {
		throw new RangeError(`pixel buffer of ${data.length} bytes is not ${width}x${height} RGBA`);
	}
	checkEncode(width, height, quality);
	const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	if (mode === "compact") {
		const enc = new StripEncoder(width, height, quality, mode);
		enc.write(src, height);
		return enc.end();
	}
	const out = new Chunks();
	let memory: WebAssembly.Memory | undefined;
	const k = create((ptr, len) => out.push(new Uint8Array(memory!.buffer, ptr, len)));
	memory = k.memory;
	meter.start(memory);
	try {
		const input = k.setup(width, height, quality, 0, FLAGS[mode]);
		if (input === 0) throw noRoom(width, height);
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
 * The symbol buffer of a sink or a compact encode: 1.5 bytes a pixel, at most
 * 4 MiB (a photo keeps 0.1-0.4 bytes a pixel even at q95; noise at q100
 * about 4). An image whose symbols pass it gets its tables from the counts
 * of the rows before (about 0.1 % larger for noise: test/strips.test.ts),
 * never more memory.
 */
export function jpegSinkSymbolBytes(width: number, height: number): number {
	const px = Math.ceil(width / 16) * 16 * Math.ceil(height / 16) * 16;
	return Math.ceil(Math.min(4 * MB, px * 1.5) / 65536) * 65536;
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
 * One encode fed rows in order, each seen once (the sink's and the compact
 * whole-frame encode's core): rows gather in the kernel's strip input, each
 * full strip is transformed and its symbols kept, and end() makes the tables
 * and codes the kept symbols (or, past the buffer, the kernel has already
 * gone direct and only the scan's end is left).
 */
class StripEncoder {
	private readonly out = new Chunks();
	private readonly k: JpegEncKernel;
	private readonly memory: WebAssembly.Memory;
	private readonly heap: Uint8Array;
	private readonly input: number;
	private live = true;
	private fill = 0;
	rows = 0;

	constructor(
		readonly width: number,
		readonly height: number,
		quality: number,
		mode: JpegMode,
	) {
		let memory: WebAssembly.Memory | undefined;
		this.k = create((ptr, len) => this.out.push(new Uint8Array(memory!.buffer, ptr, len)));
		memory = this.k.memory;
		this.memory = memory;
		meter.start(memory);
		this.input = this.k.setup(width, height, quality, jpegSinkSymbolBytes(width, height), FLAGS[mode]);
		if (this.input === 0) {
			this.release();
			throw noRoom(width, height);
		}
		// The heap never moves after setup (no growth), so one view serves every strip.
		this.heap = new Uint8Array(memory.buffer);
	}

	/** `count` rows of RGBA at src. */
	write(src: Uint8Array, count: number): void {
		if (!this.live) throw new RangeError("the JPEG encode is closed");
		if (this.rows + count > this.height) throw new RangeError(`more than ${this.height} rows written`);
		const stride = this.width * 4;
		try {
			for (let y = 0; y < count; ) {
				const n = Math.min(STRIP_ROWS - this.fill, count - y);
				this.heap.set(src.subarray(y * stride, (y + n) * stride), this.input + this.fill * stride);
				this.fill += n;
				y += n;
				if (this.fill === STRIP_ROWS) {
					this.k.strip(STRIP_ROWS, 0);
					this.fill = 0;
				}
			}
			this.rows += count;
		} catch (e) {
			this.release();
			throw e;
		}
	}

	end(): Uint8Array {
		if (!this.live) throw new RangeError("the JPEG encode is closed");
		try {
			if (this.rows !== this.height) throw new RangeError(`${this.rows} of ${this.height} rows written`);
			if (this.fill > 0) this.k.strip(this.fill, 0);
			if (this.k.isDirect() === 0) {
				this.k.tables();
				const kept = this.k.storedStrips();
				for (let i = 0; i < kept; i++) this.k.replay();
			}
			this.k.finish();
		} finally {
			this.release();
		}
		return this.out.join();
	}

	release(): void {
		if (this.live) meter.end(this.memory);
		this.live = false;
	}
}

/**
 * A JPEG encode fed strip by strip (any row counts, top to bottom), each
 * strip seen once: the counting pass keeps every block's symbols in the
 * kernel's symbol buffer, and end() makes the optimal tables and codes them
 * from there. Past the buffer (jpegSinkSymbolBytes), tables from the counts
 * so far. In "compact" mode, the same file as encodeJpeg's; in "libjpeg"
 * mode too while the symbols fit.
 */
export function jpegSink(width: number, height: number, quality: number, mode: JpegMode = "compact"): RowSink {
	checkEncode(width, height, quality);
	const enc = new StripEncoder(width, height, quality, mode);
	return {
		width,
		height,
		heldBytes: 0,
		async write(strip: Pixels): Promise<void> {
			if (strip.width !== width || !isWellFormed(strip)) {
				enc.release();
				throw new RangeError(`a strip of ${strip.width}x${strip.height} does not fit a ${width}-wide sink`);
			}
			enc.write(new Uint8Array(strip.data.buffer, strip.data.byteOffset, strip.data.byteLength), strip.height);
		},
		async end(): Promise<Uint8Array> {
			return enc.end();
		},
		abort: () => enc.release(),
	};
}
