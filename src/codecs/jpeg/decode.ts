import jpegModule from "../../../build/kernels/jpeg.wasm";
import { type AppError, TooLargeError, UnprocessableError } from "../../lib/errors";
import { instantiateKernel } from "../../lib/kernel";
import type { Pixels } from "../../lib/pixels";
import { HeapMeter } from "../meter";
import { type JpegFrame, readJpegFrame } from "./header";
import { jpegDecodeBytes, jpegPasses, jpegScale } from "./plan";

/** Exports of build/kernels/jpeg.wasm (assembly/jpeg.ts). */
interface JpegKernel {
	memory: WebAssembly.Memory;
	reserve(total: number): number;
	decode(d: number, outW: number, outH: number, passes: number): number;
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
	const data = new Uint8ClampedArray(outW * outH * 4);
	const rowBytes = outW * 4;
	let offset = 0;
	let rows = 0;
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
			data.set(new Uint8Array(memory!.buffer, ptr, rowBytes), y * rowBytes);
			rows++;
		},
	});
	memory = kernel.memory;
	meter.start(memory);
	try {
		if (!kernel.reserve(planned)) {
			throw new TooLargeError("over_memory_budget", "the JPEG decode needs more memory than the decoder may use");
		}
		const code = kernel.decode(d, outW, outH, p);
		if (code !== 0) throw kernelError(code, kernel.errorWhat());
		if (rows !== outH) throw new UnprocessableError("undecodable_image", "the JPEG decoder produced too few rows");
		return { data, width: outW, height: outH };
	} catch (err) {
		if (err instanceof WebAssembly.RuntimeError) {
			throw new UnprocessableError("undecodable_image", "the JPEG data could not be decoded");
		}
		throw err;
	} finally {
		meter.end(memory);
	}
}
