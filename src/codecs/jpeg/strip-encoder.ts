// The JPEG encode that sees each row once (a sink's, and the compact
// whole-frame encode's): its symbol buffer and the heap it takes, from the
// kernel's layout without a kernel.
import { wholePages } from "../meter";
import {
	Chunks,
	create,
	FLAGS,
	type JpegEncKernel,
	type JpegMode,
	JS_BYTES,
	meter,
	noRoom,
	STRIP_ROWS,
} from "./enc-kernel";

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
export class StripEncoder {
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
