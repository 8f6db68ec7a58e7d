import type { Pixels } from "../lib/pixels";
import type { RowSink } from "../lib/strips";
import type { ImageFormat } from "./format";
import { encodeHeapBytes, WRITERS } from "./formats";
import { jpegSink, jpegSinkBytes } from "./jpeg";
import { pngEncodeBytes, pngSink } from "./png";

export interface SinkOptions {
	/** 1-100, for JPEG and WebP. */
	quality: number;
	/** PNG only: RGBA when true, else RGB (a sink cannot look ahead to see every pixel opaque). */
	alpha?: boolean;
}

/**
 * An encoder taking a frame strip by strip. JPEG and PNG stream (./jpeg,
 * ./png sinks: a few strips and, for JPEG, the symbol buffer); WebP has no
 * streaming encoder in libwebp's simple API, so its sink gathers the frame
 * and encodes it at the end, holding 4 bytes a pixel plus libwebp's heap.
 */
export function openRowSink(format: ImageFormat, width: number, height: number, options: SinkOptions): RowSink {
	if (format === "jpeg") return jpegSink(width, height, options.quality);
	if (format === "png") return pngSink(width, height, options.alpha === true);
	return wholeFrameSink(width, height, (p) => WRITERS.webp.encode(p, options.quality));
}

/** Memory a sink of this size holds while it is fed, the encoded output aside. */
export function rowSinkBytes(format: ImageFormat, width: number, height: number): number {
	if (format === "jpeg") return jpegSinkBytes(width, height);
	if (format === "png") return pngEncodeBytes(width, height);
	return encodeHeapBytes("webp", width, height) + width * height * 4;
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
