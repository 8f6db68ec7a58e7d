import type { Pixels } from "./pixels";

/**
 * The strip pipeline's two ends. A frame passes through it as strips of
 * whole rows, top to bottom, so no stage needs the frame whole: a decoder
 * hands out rows as they are asked for, an encoder takes each strip once.
 * A strip is an ordinary Pixels of the frame's width and 1 or more rows.
 */
export interface RowSource {
	readonly width: number;
	readonly height: number;
	/**
	 * The next `rows` rows (fewer only for the last strip) as a strip of its
	 * own (the caller may keep or change it), or null once every row was read.
	 */
	read(rows: number): Promise<Pixels | null>;
	/** Drops the decoder; reading stops (safe after the end, and twice). */
	close(): void;
	/** Largest JS buffer bytes the source has held (its kernel heap is metered apart). */
	readonly heldBytes: number;
}

export interface RowSink {
	readonly width: number;
	readonly height: number;
	/** The next rows, top to bottom, at the sink's width; read once, not kept. */
	write(strip: Pixels): Promise<void>;
	/** After the last row: the encoded file. */
	end(): Promise<Uint8Array>;
	/** Gives up the encode (on any failure upstream); end() may not follow. */
	abort(): void;
	/** Largest JS buffer bytes the sink has held, the encoded output aside (its kernel heap is metered apart). */
	readonly heldBytes: number;
}

/** Reads a source to its end into a sink, `rows` at a time, through `map` (a strip filter, or none). */
export async function pump(
	source: RowSource,
	sink: RowSink,
	rows: number,
	map: (strip: Pixels) => Pixels | Promise<Pixels> = (s) => s,
): Promise<Uint8Array> {
	try {
		for (;;) {
			const strip = await source.read(rows);
			if (strip === null) break;
			await sink.write(await map(strip));
		}
		return await sink.end();
	} catch (e) {
		sink.abort();
		throw e;
	} finally {
		source.close();
	}
}
