import { TooLargeError, UnprocessableError } from "../../lib/errors";
import type { Pixels } from "../../lib/pixels";
import type { RowSource } from "../../lib/strips";
import { RowQueue } from "../row-queue";
import { corrupt, type PngInfo, pngStreamBytes, transparency, walkPng } from "./chunks";
import { InflateFailure, inflate } from "./inflate";
import { instantiate, type PngKernel, pagesFor, release, sizing, WINDOW } from "./kernel";

/** Largest interlaced PNG decoded: Adam7 passes are gathered into a full RGBA frame first. */
export const PNG_INTERLACED_MAX_PIXELS = 12_000_000;

/** JS-side buffers beside the kernel during a decode: compressed slices in flight, one inflated chunk, the inflater's own state (sized for the DecompressionStream fallback; node:zlib's path holds one 64 KiB window and one slice). */
const JS_BYTES = 768 * 1024;

/** Bytes of the whole RGBA frame an interlaced PNG of this size is read into. */
export function pngInterlacedFrameBytes(width: number, height: number): number {
	return width * height * 4;
}

/** Throws the 413 for an interlaced PNG past the limit (a no-op for non-interlaced ones). */
export function checkPngInterlaced(info: PngInfo, maxPixels = PNG_INTERLACED_MAX_PIXELS): void {
	if (!info.interlaced || info.width * info.height <= maxPixels) return;
	const mb = (pngInterlacedFrameBytes(info.width, info.height) / 1e6).toFixed(1);
	throw new TooLargeError(
		"image_too_large",
		`interlaced (Adam7) PNGs are read whole, at 4 bytes a pixel: ${info.width}x${info.height} would need ${mb} MB; the limit for interlaced PNGs is ${maxPixels / 1e6} megapixels`,
		{ width: info.width, height: info.height, limit_pixels: maxPixels },
	);
}

/** Kernel heap plus JS buffers one decode of this shape takes (input bytes and output pixels aside). */
export function pngDecodeBytes(info: PngInfo, outW: number, outH: number): number {
	void outH;
	const k = sizing();
	const bytes = k.decodeBytes(info.width, info.height, info.bitDepth, info.colorType, info.interlaced ? 1 : 0, outW);
	return pagesFor(bytes) + JS_BYTES;
}

const truncated = () => new UnprocessableError("truncated_image", "the PNG data ends before its last row");

/**
 * Decodes a PNG straight to outW x outH RGBA (area-averaged from the full-size
 * rows as they are inflated; the full-size image is never held, except an
 * interlaced one's frame inside the kernel).
 */
export async function decodePng(bytes: Uint8Array, outW: number, outH: number): Promise<Pixels> {
	let out: Uint8ClampedArray | null = null;
	const rowLen = outW * 4;
	await runPng(
		bytes,
		outW,
		outH,
		(row, y) => {
			out ??= new Uint8ClampedArray(outW * outH * 4);
			out.set(row, y * rowLen);
		},
		() => null,
	);
	return { data: out ?? new Uint8ClampedArray(outW * outH * 4), width: outW, height: outH };
}

/**
 * The same decode pulled a strip at a time: the inflater runs as far as the
 * rows asked for (plus the rest of one 64 KiB window's rows) and waits for
 * the next read. The kernel is dropped at the last row, on an error, or on close.
 */
export function pngRowSource(bytes: Uint8Array, outW: number, outH: number): RowSource {
	checkOutput(walkPng(bytes).info, outW, outH);
	const queue = new RowQueue(outW, outH, 16);
	let want = 0;
	let wake: (() => void) | null = null;
	let closed = false;
	let failure: unknown = null;
	let finished = false;
	let progress: (() => void) | null = null;
	const running = runPng(
		bytes,
		outW,
		outH,
		(row, y) => queue.push(row, y),
		() => {
			progress?.();
			if (closed) throw new SourceClosed();
			if (queue.rows < want) return null;
			return new Promise<void>((resolve) => {
				wake = resolve;
			});
		},
	).then(
		() => {
			finished = true;
			progress?.();
		},
		(e) => {
			failure = e;
			finished = true;
			progress?.();
		},
	);
	void running;
	const source = {
		width: outW,
		height: outH,
		async read(rows: number): Promise<Pixels | null> {
			if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`cannot read ${rows} rows`);
			if (queue.taken >= outH) return null;
			if (closed) throw new RangeError("the row source is closed");
			want = Math.min(rows, outH - queue.taken);
			while (queue.rows < want && !finished) {
				await new Promise<void>((resolve) => {
					progress = resolve;
					const w = wake;
					wake = null;
					w?.();
				});
				progress = null;
			}
			if (failure !== null && !(failure instanceof SourceClosed)) throw failure;
			if (queue.rows < want) throw truncated();
			return queue.take(rows);
		},
		close(): void {
			if (closed) return;
			closed = true;
			const w = wake;
			wake = null;
			w?.();
		},
		get heldBytes() {
			return queue.heldBytes;
		},
	};
	return source;
}

/** Thrown into the inflate loop when the reader closed the source early. */
class SourceClosed extends Error {}

function checkOutput(info: PngInfo, outW: number, outH: number): void {
	if (
		!Number.isInteger(outW) ||
		!Number.isInteger(outH) ||
		outW < 1 ||
		outH < 1 ||
		outW > info.width ||
		outH > info.height
	) {
		throw new RangeError(`output ${outW}x${outH} must be within the PNG's ${info.width}x${info.height}`);
	}
}

/**
 * One decode: rows go to `onRow` (a view into the heap, valid during the
 * call) in order; after each input window `pause` may hand back a promise
 * the inflater waits for (a reader that has enough rows for now).
 */
async function runPng(
	bytes: Uint8Array,
	outW: number,
	outH: number,
	onRow: (row: Uint8Array, y: number) => void,
	pause: () => Promise<void> | null,
): Promise<void> {
	const file = walkPng(bytes);
	const { info } = file;
	checkOutput(info, outW, outH);
	checkPngInterlaced(info);
	if (file.idat.length === 0) throw file.truncated ? truncated() : corrupt("the PNG has no image data");
	if (outW * outH > 0x10000000) throw new TooLargeError("image_too_large", `a ${outW}x${outH} output is too large`);
	const rowLen = outW * 4;
	let heap = new Uint8Array(0);
	const k: PngKernel = instantiate((ptr, y) => {
		if (heap.byteLength === 0) heap = new Uint8Array(k.memory.buffer);
		onRow(heap.subarray(ptr, ptr + rowLen), y);
	});
	try {
		const tr = transparency(file);
		const setup = () =>
			k.decSetup(
				info.width,
				info.height,
				info.bitDepth,
				info.colorType,
				info.interlaced ? 1 : 0,
				outW,
				outH,
				tr.key[0],
				tr.key[1],
				tr.key[2],
				tr.opaque ? 1 : 0,
			);
		const win = setup();
		if (win === 0) {
			throw new TooLargeError(
				"image_too_large",
				`a ${info.width}x${info.height} PNG does not fit the decoder's memory`,
			);
		}
		const consume = async (chunk: Uint8Array): Promise<boolean> => {
			for (let o = 0; o < chunk.length; o += WINDOW) {
				const n = Math.min(WINDOW, chunk.length - o);
				if (heap.byteLength === 0) heap = new Uint8Array(k.memory.buffer);
				heap.set(chunk.subarray(o, o + n), win);
				const rows = k.feed(n);
				if (rows < 0) throw corrupt("invalid PNG filter type");
				if (rows >= outH) return true;
				const wait = pause();
				if (wait !== null) await wait;
			}
			return false;
		};
		const need = pngStreamBytes(info);
		const attempt = (retry: boolean, bytewiseFrom: number) => {
			if (retry) setup();
			heap = new Uint8Array(k.memory.buffer);
			if (tr.table) heap.set(tr.table, k.palette());
			return inflate(file.idat, need, consume, retry, bytewiseFrom);
		};
		let complete: boolean;
		try {
			complete = await attempt(false, -1);
		} catch (e) {
			if (!(e instanceof InflateFailure)) throw e;
			// zlib drops the output it has not handed over when it fails. Once more, reading
			// eagerly and writing one byte at a time from where the failure names (the call
			// that met invalid data; for DecompressionStream, the slice that held bytes past
			// the zlib stream); a stream cut short gives up every row it holds.
			complete = await attempt(true, e.bytewiseFrom);
		}
		if (!complete) throw truncated();
	} catch (e) {
		if (e instanceof WebAssembly.RuntimeError)
			throw new UnprocessableError("undecodable_image", "the PNG could not be decoded");
		if (e instanceof InflateFailure) throw e.atClose ? truncated() : corrupt("the PNG's compressed data is invalid");
		throw e;
	} finally {
		release(k);
	}
}
