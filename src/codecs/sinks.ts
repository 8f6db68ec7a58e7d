import type { Pixels } from "../lib/pixels";
import type { RowSink } from "../lib/strips";
import type { OutputFormat, SinkOptions } from "./format";
import { WRITERS } from "./formats";

/**
 * An encoder taking a frame strip by strip: the format's own sink where its
 * encoder streams (JPEG: a few strips and the symbol buffer; PNG: a strip
 * and the deflater), else one that gathers the frame and encodes it at the
 * end (WebP and AVIF: their encoders take a whole frame), holding 4 bytes a
 * pixel beside the encoder's own heap.
 */
export function openRowSink(format: OutputFormat, width: number, height: number, options: SinkOptions): RowSink {
	const writer = WRITERS[format];
	if (writer.sink) return writer.sink(width, height, options);
	return wholeFrameSink(width, height, (p) => writer.encode(p, options.quality));
}

/** Memory a sink of this size holds while it is fed, the encoded output aside. */
export function rowSinkBytes(format: OutputFormat, width: number, height: number): number {
	const writer = WRITERS[format];
	return writer.sinkBytes?.(width, height) ?? writer.heapBytes(width, height) + width * height * 4;
}

function wholeFrameSink(width: number, height: number, encode: (p: Pixels) => Promise<Uint8Array>): RowSink {
	let frame: Uint8ClampedArray | null = new Uint8ClampedArray(width * height * 4);
	let rows = 0;
	return {
		width,
		height,
		heldBytes: width * height * 4,
		async write(strip: Pixels): Promise<void> {
			if (frame === null) throw new RangeError("the sink is closed");
			if (strip.width !== width || strip.data.length !== strip.width * strip.height * 4) {
				throw new RangeError(`a strip of ${strip.width}x${strip.height} does not fit a ${width}-wide sink`);
			}
			if (rows + strip.height > height) throw new RangeError(`more than ${height} rows written`);
			frame.set(strip.data, rows * width * 4);
			rows += strip.height;
		},
		async end(): Promise<Uint8Array> {
			if (frame === null) throw new RangeError("the sink is closed");
			if (rows !== height) throw new RangeError(`${rows} of ${height} rows written`);
			const data = frame;
			frame = null;
			return encode({ data, width, height });
		},
		abort(): void {
			frame = null;
		},
	};
}
