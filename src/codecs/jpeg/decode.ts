import jpegModule from "../../../build/kernels/jpeg.wasm";
import { type AppError, TooLargeError, UnprocessableError } from "../../lib/errors";
import { instantiateKernel } from "../../lib/kernel";
import type { Pixels } from "../../lib/pixels";
import type { RowSource } from "../../lib/strips";
import { HeapMeter } from "../meter";
import { RowQueue } from "../row-queue";
import { type JpegFrame, readJpegFrame } from "./header";
import { type JpegScale, jpegDecodeBytes, jpegPasses, jpegScale } from "./plan";

/** Exports of build/kernels/jpeg.wasm (assembly/jpeg.ts). */
interface JpegKernel {
	memory: WebAssembly.Memory;
	reserve(total: number): number;
	decode(d: number, outW: number, outH: number, passes: number): number;
	begin(d: number, outW: number, outH: number, passes: number): number;
	step(): number;
	errorCode(): number;
	errorWhat(): number;
	usedBytes(): number;
}

// Error classes of assembly/_jpeg_markers.ts.
const E_TRUNCATED = 1;
const E_CORRUPT = 2;
const E_UNSUPPORTED = 3;

const CORRUPT_WHAT: Record<number, string> = {
	1: "a marker segment is malformed",
	2: "a quantization table is malformed",
	3: "a Huffman table is malformed",
	4: "the frame header is malformed",
	5: "a scan header is malformed",
	6: "the entropy-coded data holds an invalid Huffman code",
	7: "a scan uses a table that was never defined",
	8: "a restart marker is missing",
	9: "a progressive scan has impossible parameters",
	10: "the file has too many scans for its size",
	11: "a marker interrupts the entropy-coded data",
};

const UNSUPPORTED_WHAT: Record<number, string> = {
	20: "12-bit (or other non 8-bit) precision JPEG is not supported",
	21: "arithmetic-coded JPEG is not supported",
	22: "lossless JPEG is not supported",
	23: "hierarchical JPEG is not supported",
	24: "JPEG with this number of components is not supported",
	25: "JPEG with fractional chroma sampling ratios is not supported",
	26: "JPEG with more than one frame is not supported",
};

const meter = new HeapMeter();

/** Largest kernel heap one JPEG decode has reached in this isolate. */
export const jpegPeakBytes = () => meter.peakBytes();
/** Kernel heap of the most recent JPEG decode (for tests of the estimate). */
export const jpegLastHeapBytes = () => meter.lastBytes();
/** Kernel heap bytes held by JPEG decodes in progress. */
export const jpegLiveBytes = () => meter.liveBytes();

/** Refuses, from the header alone, what the kernel does not decode. */
function checkVariant(frame: JpegFrame): void {
	if (frame.precision !== 8) throw new UnprocessableError("unsupported_variant", UNSUPPORTED_WHAT[20]!);
	if (frame.hierarchical) throw new UnprocessableError("unsupported_variant", UNSUPPORTED_WHAT[23]!);
	if (frame.process === "arithmetic") throw new UnprocessableError("unsupported_variant", UNSUPPORTED_WHAT[21]!);
	if (frame.process === "lossless") throw new UnprocessableError("unsupported_variant", UNSUPPORTED_WHAT[22]!);
}

function kernelError(code: number, what: number): AppError {
	if (code === E_TRUNCATED) return new UnprocessableError("truncated_image", "the JPEG data ends before its last MCU");
	if (code === E_CORRUPT) {
		return new UnprocessableError("corrupt_image", `corrupt JPEG: ${CORRUPT_WHAT[what] ?? "malformed data"}`);
	}
	if (code === E_UNSUPPORTED) {
		return new UnprocessableError(
			"unsupported_variant",
			UNSUPPORTED_WHAT[what] ?? "this JPEG variant is not supported",
		);
	}
	return new TooLargeError("over_memory_budget", "the JPEG decode needs more memory than the decoder may use");
}

/** A decode laid out (frame checked, kernel made, heap reserved), ready to step. */
interface OpenDecode {
	kernel: JpegKernel;
	memory: WebAssembly.Memory;
	d: JpegScale;
	passes: number;
}

/**
 * Checks the header and the output size, makes the kernel with the input
 * fed from `bytes` and rows handed to `onRow(row, y)` (a view into the heap,
 * valid during the call), and reserves the planned heap. The caller must
 * `meter.end` the memory.
 */
function open(
	bytes: Uint8Array,
	outW: number,
	outH: number,
	passes: number | undefined,
	onRow: (row: Uint8Array, y: number) => void,
): OpenDecode {
	const frame = readJpegFrame(bytes);
	if (typeof frame === "string") {
		const ends = frame.includes("ends before");
		throw new UnprocessableError(ends ? "truncated_image" : "corrupt_image", `unreadable JPEG header: ${frame}`);
	}
	checkVariant(frame);
	if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1) {
		throw new RangeError(`output size ${outW}x${outH} is not a positive integer size`);
	}
	if (outW > frame.width || outH > frame.height) {
		throw new RangeError(`output size ${outW}x${outH} exceeds the image's ${frame.width}x${frame.height}`);
	}
	const d = jpegScale(frame.width, frame.height, outW, outH);
	const p = passes ?? jpegPasses(frame, d, outW);
	const planned = jpegDecodeBytes(frame, d, outW, outH, p);
	const rowBytes = outW * 4;
	let offset = 0;
	let memory: WebAssembly.Memory | undefined;
	const kernel = instantiateKernel<JpegKernel>(jpegModule, "jpeg", {
		refill(ptr: number, capacity: number): number {
			const n = Math.min(capacity, bytes.length - offset);
			if (n <= 0) return 0;
			new Uint8Array(memory!.buffer, ptr, n).set(bytes.subarray(offset, offset + n));
			offset += n;
			return n;
		},
		seek(to: number): void {
			offset = Math.min(Math.max(to, 0), bytes.length);
		},
		emitRow(ptr: number, y: number): void {
			if (y < 0 || y >= outH) return;
			onRow(new Uint8Array(memory!.buffer, ptr, rowBytes), y);
		},
	});
	memory = kernel.memory;
	meter.start(memory);
	if (!kernel.reserve(planned)) {
		meter.end(memory);
		throw new TooLargeError("over_memory_budget", "the JPEG decode needs more memory than the decoder may use");
	}
	return { kernel, memory, d, passes: p };
}

/** A kernel trap is a file the decoder could not read: a 422, as every decoder failure. */
function trapped(err: unknown): unknown {
	if (err instanceof WebAssembly.RuntimeError) {
		return new UnprocessableError("undecodable_image", "the JPEG data could not be decoded");
	}
	return err;
}

/**
 * Decodes a JPEG straight to outW x outH RGBA (outW <= width, outH <= height),
 * in stored orientation: at 1/d of full size in the DCT domain (d from
 * jpegScale), then area-resampled in the kernel. Each call has its own kernel
 * instance, dropped afterwards, so no heap outlives the request. A
 * progressive file whose store would pass the budget is decoded in passes
 * (jpegPasses) of MCU rows, the kernel seeking back in the input to resume
 * each scan; `passes` forces their number (tests: the output does not
 * depend on it).
 */
export function decodeJpeg(bytes: Uint8Array, outW: number, outH: number, passes?: number): Pixels {
	const data = new Uint8ClampedArray(outW * outH * 4);
	let rows = 0;
	const dec = open(bytes, outW, outH, passes, (row, y) => {
		data.set(row, y * outW * 4);
		rows++;
	});
	try {
		const code = dec.kernel.decode(dec.d, outW, outH, dec.passes);
		if (code !== 0) throw kernelError(code, dec.kernel.errorWhat());
		if (rows !== outH) throw new UnprocessableError("undecodable_image", "the JPEG decoder produced too few rows");
		return { data, width: outW, height: outH };
	} catch (err) {
		throw trapped(err);
	} finally {
		meter.end(dec.memory);
	}
}

/**
 * The same decode as decodeJpeg, pulled a strip at a time: each read steps
 * the kernel (one MCU row, or a band's scans for a stored file) until the
 * strip's rows are out. The JS side holds the rows asked for and at most one
 * MCU row's worth more; the kernel is dropped at the last row, on an error,
 * or on close.
 */
export function jpegRowSource(bytes: Uint8Array, outW: number, outH: number, passes?: number): RowSource {
	const queue = new RowQueue(outW, outH, 16);
	const dec = open(bytes, outW, outH, passes, (row, y) => queue.push(row, y));
	let live = true;
	let done = false;
	const close = () => {
		if (live) meter.end(dec.memory);
		live = false;
	};
	try {
		const code = dec.kernel.begin(dec.d, outW, outH, dec.passes);
		if (code !== 0) throw kernelError(code, dec.kernel.errorWhat());
	} catch (err) {
		close();
		throw trapped(err);
	}
	const fill = (rows: number) => {
		while (!done && queue.rows < rows) {
			const s = dec.kernel.step();
			if (s < 0) throw kernelError(dec.kernel.errorCode(), dec.kernel.errorWhat());
			if (s === 0) {
				done = true;
				close();
				if (queue.pushed !== outH) {
					throw new UnprocessableError("undecodable_image", "the JPEG decoder produced too few rows");
				}
			}
		}
	};
	return {
		width: outW,
		height: outH,
		async read(rows: number): Promise<Pixels | null> {
			if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`cannot read ${rows} rows`);
			if (queue.taken >= outH) return null;
			if (!live && !done) throw new RangeError("the row source is closed");
			try {
				fill(rows);
			} catch (err) {
				close();
				throw trapped(err);
			}
			return queue.take(rows);
		},
		close,
		get heldBytes() {
			return queue.heldBytes;
		},
	};
}
