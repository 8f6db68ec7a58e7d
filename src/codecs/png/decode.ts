import { TooLargeError, UnprocessableError } from "../../lib/errors";
import type { Pixels } from "../../lib/pixels";
import { type PngFile, type PngInfo, walkPng } from "./chunks";
import { instantiate, type PngKernel, pagesFor, release, sizing, WINDOW } from "./kernel";

/** Largest interlaced PNG decoded: Adam7 passes are gathered into a full RGBA frame first. */
export const PNG_INTERLACED_MAX_PIXELS = 12_000_000;

/** JS-side buffers beside the kernel during a decode: compressed slices in flight, one inflated chunk, the stream's own state. */
const JS_BYTES = 768 * 1024;

// Compressed bytes per write into the inflater: the most, and the least when the data inflates a lot.
const SLICE_MAX = 65536;
const SLICE_MIN = 1024;
// Inflated bytes one write should produce at most (bounds what is held between reads).
const INFLATED_PER_WRITE = 256 * 1024;

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

const corrupt = (message: string) => new UnprocessableError("corrupt_image", message);
const truncated = () => new UnprocessableError("truncated_image", "the PNG data ends before its last row");

interface Transparency {
	key: [number, number, number];
	opaque: boolean;
	table: Uint8Array | null;
}

function transparency(file: PngFile): Transparency {
	const { colorType } = file.info;
	const t = file.trns;
	const u16 = (o: number) => (t![o]! << 8) | t![o + 1]!;
	if (colorType === 0) return t ? { key: [u16(0), 0, 0], opaque: false, table: null } : none(true);
	if (colorType === 2) return t ? { key: [u16(0), u16(2), u16(4)], opaque: false, table: null } : none(true);
	if (colorType !== 3) return none(false);
	const pal = file.palette!;
	const table = new Uint8Array(1024);
	let opaque = true;
	for (let i = 0; i < 256; i++) {
		const defined = i * 3 < pal.length;
		table[i * 4] = defined ? pal[i * 3]! : 0;
		table[i * 4 + 1] = defined ? pal[i * 3 + 1]! : 0;
		table[i * 4 + 2] = defined ? pal[i * 3 + 2]! : 0;
		const a = t && i < t.length ? t[i]! : 255;
		table[i * 4 + 3] = a;
		if (a !== 255) opaque = false;
	}
	return { key: [-1, -1, -1], opaque, table };
}

function none(opaque: boolean): Transparency {
	return { key: [-1, -1, -1], opaque, table: null };
}

/**
 * Decodes a PNG straight to outW x outH RGBA (area-averaged from the full-size
 * rows as they are inflated; the full-size image is never held, except an
 * interlaced one's frame inside the kernel).
 */
export async function decodePng(bytes: Uint8Array, outW: number, outH: number): Promise<Pixels> {
	const file = walkPng(bytes);
	const { info } = file;
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
	checkPngInterlaced(info);
	if (file.idat.length === 0) throw file.truncated ? truncated() : corrupt("the PNG has no image data");
	if (outW * outH > 0x10000000) throw new TooLargeError("image_too_large", `a ${outW}x${outH} output is too large`);
	const out = new Uint8ClampedArray(outW * outH * 4);
	const outBytes = new Uint8Array(out.buffer);
	const rowLen = outW * 4;
	let heap = new Uint8Array(0);
	const k: PngKernel = instantiate((ptr, y) => {
		if (heap.byteLength === 0) heap = new Uint8Array(k.memory.buffer);
		outBytes.set(heap.subarray(ptr, ptr + rowLen), y * rowLen);
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
		const consume = (chunk: Uint8Array) => {
			for (let o = 0; o < chunk.length; o += WINDOW) {
				const n = Math.min(WINDOW, chunk.length - o);
				if (heap.byteLength === 0) heap = new Uint8Array(k.memory.buffer);
				heap.set(chunk.subarray(o, o + n), win);
				const rows = k.feed(n);
				if (rows < 0) throw corrupt("invalid PNG filter type");
				if (rows >= outH) return true;
			}
			return false;
		};
		const attempt = (retry: boolean, bytewiseFrom: number) => {
			if (retry) setup();
			heap = new Uint8Array(k.memory.buffer);
			if (tr.table) heap.set(tr.table, k.palette());
			return inflate(file, consume, retry, bytewiseFrom);
		};
		try {
			await attempt(false, -1);
		} catch (e) {
			if (!(e instanceof InflateFailure)) throw e;
			// zlib drops the output it has not handed over when it fails. Once more, reading
			// eagerly: bytes past the zlib stream are then written one at a time from the
			// slice that held them; a stream cut short gives up every row it holds.
			await attempt(true, e.trailing && !e.atClose ? e.at : -1);
		}
		return { data: out, width: outW, height: outH };
	} catch (e) {
		if (e instanceof WebAssembly.RuntimeError)
			throw new UnprocessableError("undecodable_image", "the PNG could not be decoded");
		if (e instanceof InflateFailure) throw e.atClose ? truncated() : corrupt("the PNG's compressed data is invalid");
		throw e;
	} finally {
		release(k);
	}
}

/**
 * Cuts the IDAT payloads, as one stream, into slices of the asked size: views
 * where a payload holds the whole slice, else a copy gathered across payloads
 * (so a file of a million one-byte IDATs is still a few hundred writes).
 */
function slicer(parts: Uint8Array[]): (size: number) => Uint8Array | null {
	let index = 0;
	let offset = 0;
	return (size) => {
		while (index < parts.length && offset >= parts[index]!.length) {
			index++;
			offset = 0;
		}
		if (index >= parts.length) return null;
		const part = parts[index]!;
		if (part.length - offset >= size || index === parts.length - 1) {
			const view = part.subarray(offset, offset + size);
			offset += view.length;
			return view;
		}
		const gathered = new Uint8Array(size);
		let n = 0;
		while (n < size && index < parts.length) {
			const p = parts[index]!;
			const k = Math.min(size - n, p.length - offset);
			gathered.set(p.subarray(offset, offset + k), n);
			n += k;
			offset += k;
			if (offset >= p.length) {
				index++;
				offset = 0;
			}
		}
		return gathered.subarray(0, n);
	};
}

/** Why the inflater stopped early: at close (the data ran out) or on a write, and whether zlib saw bytes past its end. */
class InflateFailure extends Error {
	constructor(
		readonly atClose: boolean,
		readonly trailing: boolean,
		readonly at: number,
	) {
		super("inflate failed");
	}
}

/** One turn of the event loop (setImmediate where there is one: workerd and Node; a few microseconds). */
const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
const tick: () => Promise<void> = immediate
	? () => new Promise<void>((resolve) => immediate(resolve))
	: () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Reads the inflater's output: where the stream is a byte stream (workerd),
 * through a BYOB reader into one reused 64 KiB buffer, at least half of it a
 * read (workerd's readAtLeast), instead of its 4 KiB chunks: a twelfth of
 * the reads. `eager` reads whatever is there (the careful retry needs it).
 */
function outputReader(readable: ReadableStream<Uint8Array>, eager: boolean) {
	let byob: ReadableStreamBYOBReader | null = null;
	try {
		byob = readable.getReader({ mode: "byob" });
	} catch {
		byob = null;
	}
	if (byob === null) {
		const reader = readable.getReader();
		return { read: () => reader.read(), cancel: () => reader.cancel() };
	}
	const r = byob;
	const atLeast = !eager && typeof (r as { readAtLeast?: unknown }).readAtLeast === "function";
	let buffer = new ArrayBuffer(WINDOW);
	const read = async () => {
		const view = new Uint8Array(buffer, 0, WINDOW);
		const got = atLeast ? await r.readAtLeast(WINDOW >> 1, view) : await r.read(view);
		if (got.value) buffer = got.value.buffer as ArrayBuffer;
		return got;
	};
	return { read, cancel: () => r.cancel() };
}

/**
 * Streams the IDAT payloads through the platform's zlib inflater, handing each
 * inflated chunk to `consume` until it reports the image complete. Writes and
 * reads run concurrently. The inflater does not hold writes back while its
 * output waits to be read, so after each slice the writer waits for the
 * reader to go idle (no progress over a timer tick) before the next, and
 * slices shrink when the data inflates a lot: what is in flight stays near
 * INFLATED_PER_WRITE whatever the image size.
 *
 * zlib refuses bytes after the end of its stream and drops the output it has
 * not handed over; `eager` reads what is there rather than waiting for half a
 * window, and from `careful` on (a stream offset) the writer goes a byte at a
 * time so that output is read before the error.
 */
async function inflate(
	file: PngFile,
	consume: (chunk: Uint8Array) => boolean,
	eager: boolean,
	careful: number,
): Promise<void> {
	const ds = new DecompressionStream("deflate");
	const writer = ds.writable.getWriter();
	const reader = outputReader(ds.readable, eager);
	let stop = false;
	let allWritten = false;
	let written = 0;
	let consumed = 0;
	let sliceStart = 0;
	const drain = async () => {
		for (;;) {
			const before = consumed;
			await tick();
			if (consumed === before || stop) return;
		}
	};
	const next = slicer(file.idat);
	const writing = (async () => {
		for (;;) {
			if (stop) return;
			let size: number;
			if (careful >= 0 && written >= careful) {
				size = 1;
			} else {
				const ratio = written > 0 ? consumed / written : 1024;
				size = Math.max(SLICE_MIN, Math.min(SLICE_MAX, Math.floor(INFLATED_PER_WRITE / Math.max(ratio, 1))));
				if (careful >= 0) size = Math.min(size, careful - written);
			}
			const piece = next(size);
			if (piece === null) break;
			sliceStart = written;
			written += piece.length;
			await writer.write(piece);
			if (size > 1) await drain();
		}
		allWritten = true;
		await writer.close();
	})();
	writing.catch(() => {});
	let complete = false;
	try {
		for (;;) {
			let r: ReadableStreamReadResult<Uint8Array>;
			try {
				r = await reader.read();
			} catch (e) {
				throw new InflateFailure(allWritten, /trailing/i.test(String(e)), sliceStart);
			}
			if (r.value && r.value.length > 0) {
				consumed += r.value.length;
				if (consume(r.value)) {
					complete = true;
					break;
				}
			}
			if (r.done) break;
		}
	} finally {
		stop = true;
		reader.cancel().catch(() => {});
		writer.abort().catch(() => {});
	}
	if (!complete) throw truncated();
}
