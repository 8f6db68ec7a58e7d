import zlib from "node:zlib";
import { WINDOW } from "./kernel";

// Compressed bytes per write into the inflater: the most, and the least when the data inflates a lot.
const SLICE_MAX = 65536;
const SLICE_MIN = 1024;
// Inflated bytes one write should produce at most (bounds what is held between reads).
const INFLATED_PER_WRITE = 256 * 1024;
// The most one byte of deflate data inflates to (a 258-byte match in two bits, about 1032).
const DEFLATE_MAX_RATIO = 1032;
// No slice, at the worst ratio, may inflate to more than this many times what the image still needs.
const NEED_FACTOR = 32;

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

/**
 * Why the inflater stopped early: at close (the data ran out) or on a write;
 * `bytewiseFrom` is the stream offset from which a retry should write one byte
 * at a time so the output before the failing byte is handed over (-1: none).
 */
export class InflateFailure extends Error {
	constructor(
		readonly atClose: boolean,
		readonly bytewiseFrom: number,
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
 * The fallback where node:zlib's binding is missing: streams the IDAT payloads
 * through DecompressionStream, handing each inflated chunk to `consume` until
 * it reports the image complete; resolves to whether it did (false: the
 * stream ended first). Writes and
 * reads run concurrently. The inflater does not hold writes back while its
 * output waits to be read, and workerd's inflates each write whole before
 * any of it can be read; so after each slice the writer waits for the reader
 * to go idle (no progress over a timer tick) before the next, and slices
 * shrink when the data inflates a lot: while the ratio holds, what is in
 * flight stays near INFLATED_PER_WRITE whatever the image size. A sudden rise
 * in the ratio can still inflate one slice to SLICE_MAX * DEFLATE_MAX_RATIO,
 * but never to more than NEED_FACTOR times what is left of `need` (the
 * image's inflated size), or than a SLICE_MIN can: so the end of the image
 * is written in ever smaller slices, and a zlib stream that runs on past the
 * last row (a zip bomb's tail) costs a few MiB, not the 64 MiB a full slice
 * of it would inflate to.
 *
 * DecompressionStream refuses bytes after the end of its stream and drops the
 * output it has not handed over; `eager` reads what is there rather than waiting for half a
 * window, and from `careful` on (a stream offset) the writer goes a byte at a
 * time so that output is read before the error.
 */
export async function inflateStream(
	idat: Uint8Array[],
	need: number,
	consume: (chunk: Uint8Array) => boolean,
	eager: boolean,
	careful: number,
): Promise<boolean> {
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
	const next = slicer(idat);
	const writing = (async () => {
		for (;;) {
			if (stop) return;
			let size: number;
			if (careful >= 0 && written >= careful) {
				size = 1;
			} else {
				const ratio = written > 0 ? consumed / written : 1024;
				const steady = Math.floor(INFLATED_PER_WRITE / Math.max(ratio, 1));
				const worst = Math.floor((NEED_FACTOR * Math.max(need - consumed, 0)) / DEFLATE_MAX_RATIO);
				size = Math.max(SLICE_MIN, Math.min(SLICE_MAX, steady, worst));
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
	try {
		for (;;) {
			let r: ReadableStreamReadResult<Uint8Array>;
			try {
				r = await reader.read();
			} catch (e) {
				const trailing = /trailing/i.test(String(e));
				throw new InflateFailure(allWritten, trailing && !allWritten ? sliceStart : -1);
			}
			if (r.value && r.value.length > 0) {
				consumed += r.value.length;
				if (consume(r.value)) return true;
			}
			if (r.done) return false;
		}
	} finally {
		stop = true;
		reader.cancel().catch(() => {});
		writer.abort().catch(() => {});
	}
}

/** workerd's zlib binding under node:zlib's Inflate (as in Node: a fixed output buffer per call, state in `_writeState`). */
interface ZlibHandle {
	writeSync(
		flush: number,
		input: Uint8Array,
		inOff: number,
		inLen: number,
		out: Uint8Array,
		outOff: number,
		outLen: number,
	): void;
	setErrorHandler(handler: (errno: number, code: string, message: string) => void): void;
	close(): void;
}

/** The binding of a fresh node:zlib Inflate, or null where there is none of this shape (Node, a runtime without nodejs_compat). */
function zlibHandle(): { handle: ZlibHandle; state: Uint32Array } | null {
	try {
		const z = zlib.createInflate() as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
		const handle = z._handle;
		const state = z._writeState;
		if (
			!handle ||
			typeof handle.writeSync !== "function" ||
			typeof handle.setErrorHandler !== "function" ||
			typeof handle.close !== "function" ||
			!(state instanceof Uint32Array) ||
			state.length < 2
		) {
			return null;
		}
		return { handle: handle as ZlibHandle, state };
	} catch {
		return null;
	}
}

/** Inflated bytes between turns of the event loop (a 12 MP decode is otherwise one 170 ms task). */
const YIELD_EVERY = 1 << 20;

/**
 * The same contract as inflateStream, through node:zlib's binding: each call
 * inflates into one reused WINDOW-sized buffer and reports how much of the
 * input it took, so no more than WINDOW inflated bytes are ever held, however
 * the ratio jumps, and a stream that runs on past the last row costs nothing
 * past the row that completes the image. zlib accepts bytes after its stream's
 * end here (they are left unread), so the only failure is invalid data; the
 * output of the call that meets it is lost, and the failure names the offset
 * that call started at, for the careful retry.
 */
function inflateNative(
	z: { handle: ZlibHandle; state: Uint32Array },
	idat: Uint8Array[],
	consume: (chunk: Uint8Array) => boolean,
	careful: number,
): Promise<boolean> {
	const { handle, state } = z;
	let failed = false;
	handle.setErrorHandler(() => {
		failed = true;
	});
	const out = new Uint8Array(WINDOW);
	const next = slicer(idat);
	const run = async (): Promise<boolean> => {
		let written = 0;
		let sinceYield = 0;
		for (;;) {
			let size = SLICE_MAX;
			if (careful >= 0) size = written >= careful ? 1 : Math.min(size, careful - written);
			const piece = next(size);
			if (piece === null) return false;
			let inOff = 0;
			let avail = piece.length;
			for (;;) {
				const at = written + inOff;
				try {
					handle.writeSync(zlib.constants.Z_NO_FLUSH, piece, inOff, avail, out, 0, WINDOW);
				} catch {
					failed = true;
				}
				if (failed) throw new InflateFailure(false, at);
				const outLeft = state[0]!;
				const inLeft = state[1]!;
				const have = WINDOW - outLeft;
				inOff += avail - inLeft;
				avail = inLeft;
				if (have > 0 && consume(out.subarray(0, have))) return true;
				sinceYield += have;
				if (sinceYield >= YIELD_EVERY) {
					sinceYield = 0;
					await tick();
				}
				// Room left in the output: zlib wants more input, or its stream has ended.
				if (outLeft > 0) {
					if (inLeft > 0) return false;
					break;
				}
			}
			written += piece.length;
		}
	};
	return run().finally(() => handle.close());
}

/**
 * Streams the IDAT payloads through zlib, handing each inflated chunk to
 * `consume` until it reports the image complete; resolves to whether it did
 * (false: the stream ended first). node:zlib's binding where the runtime has
 * it (bounded: one window of output held), else DecompressionStream
 * (inflateStream). `eager` and `careful` are the retry's, as there.
 */
export function inflate(
	idat: Uint8Array[],
	need: number,
	consume: (chunk: Uint8Array) => boolean,
	eager: boolean,
	careful: number,
): Promise<boolean> {
	const z = zlibHandle();
	if (z !== null) return inflateNative(z, idat, consume, careful);
	return inflateStream(idat, need, consume, eager, careful);
}
