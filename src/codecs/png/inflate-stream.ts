import { WINDOW } from "./kernel";
import { InflateFailure, SLICE_MAX, SLICE_MIN, slicer, tick } from "./slices";

// Inflated bytes one write should produce at most (bounds what is held between reads).
const INFLATED_PER_WRITE = 256 * 1024;
// The most one byte of deflate data inflates to (a 258-byte match in two bits, about 1032).
const DEFLATE_MAX_RATIO = 1032;
// No slice, at the worst ratio, may inflate to more than this many times what the image still needs.
const NEED_FACTOR = 32;

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
	consume: (chunk: Uint8Array) => boolean | Promise<boolean>,
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
				if (await consume(r.value)) return true;
			}
			if (r.done) return false;
		}
	} finally {
		stop = true;
		reader.cancel().catch(() => {});
		writer.abort().catch(() => {});
	}
}
