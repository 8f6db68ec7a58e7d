import { AppError } from "./errors";

export interface DrainOptions {
	/** The most bytes to take; past it `tooLarge` is thrown as soon as the count passes. */
	maxBytes: number;
	/** Waits for one read: a deadline per chunk, or one for the whole body. */
	next: <T>(read: Promise<T>) => Promise<T>;
	tooLarge: () => AppError;
	/** The error for a stream that broke (or a deadline that passed without its own AppError). */
	broken: () => AppError;
}

/**
 * Reads a body stream to its end under a byte cap, for uploads and fetched
 * sources alike: the cap is checked chunk by chunk so an oversize body is
 * never buffered whole, and on any failure the partial chunks are let go and
 * the stream cancelled, so a stalled or broken peer holds nothing and never
 * surfaces as a 500.
 */
export async function drainCapped(body: ReadableStream<Uint8Array>, options: DrainOptions): Promise<Uint8Array> {
	const reader = body.getReader();
	let chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await options.next(reader.read());
			if (done) break;
			total += value.byteLength;
			if (total > options.maxBytes) throw options.tooLarge();
			chunks.push(value);
		}
	} catch (err) {
		chunks = [];
		await reader.cancel().catch(() => {});
		if (err instanceof AppError) throw err;
		throw options.broken();
	}
	if (chunks.length === 1) return chunks[0]!;
	const out = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return out;
}
