import { UnprocessableError } from "../lib/errors";
import type { Pixels } from "../lib/pixels";
import type { RowSink, RowSource } from "../lib/strips";
import type { DecodePlan } from "./plan";
import type { ImageInfo } from "./probe";

/** Image formats the service reads and writes. */
export type ImageFormat = "jpeg" | "png" | "webp";

/** Formats the service writes: those it reads, and AVIF. */
export type OutputFormat = ImageFormat | "avif";

/**
 * How one format is read: everything the intake asks of a format, in one
 * object per format (jpeg/format.ts, png/format.ts, webp/format.ts), so the
 * probe, the plan and the decode look a format up in one table (formats.ts)
 * instead of switching on its name in each of them.
 */
export interface FormatReader {
	format: ImageFormat;
	mime: string;
	/** Magic bytes only: the declared content type is never trusted. */
	sniff(bytes: Uint8Array): boolean;
	/** Dimensions and what the plan needs, from the header alone; 422 when it does not parse. */
	probe(bytes: Uint8Array): ImageInfo;
	/** Whether the stream's framing reaches its end (nothing is decoded). */
	complete(bytes: Uint8Array): boolean;
	/** The decoder's scale and memory for an output of width x height (stored orientation). */
	plan(bytes: Uint8Array, info: ImageInfo, width: number, height: number): DecodeCost;
	/**
	 * For a format that may be decoded whole: the reason a 413 gives when the
	 * frame is over the budget ("WebP images are"), and any cap of its own.
	 */
	wholeFrame?: { reason: string; check?(info: ImageInfo): void };
	/** Decodes to the plan's size, in stored orientation. */
	decode(bytes: Uint8Array, plan: DecodePlan): Promise<Pixels>;
	/**
	 * The same rows a strip at a time, for a decoder that streams them (a
	 * plan not decoded whole); the others are decoded whole and handed out
	 * in strips by rows.ts.
	 */
	rows?(bytes: Uint8Array, plan: DecodePlan): RowSource;
}

/** What the plan takes from a format's reader. */
export interface DecodeCost {
	/** JPEG's DCT scale denominator (1, 2, 4 or 8); 1 for the other formats. */
	denom: number;
	/** Bytes the decode holds besides the upload and its output pixels. */
	decoderBytes: number;
	/** The whole frame is decoded before it is resampled. */
	wholeFrame: boolean;
}

/** How one format is written. */
export interface FormatWriter {
	format: OutputFormat;
	mime: string;
	/** quality is 1-100; formats without a quality setting ignore it. */
	encode(pixels: Pixels, quality: number): Promise<Uint8Array>;
	/** Memory one encode of this size takes beside the pixels it reads, for admission. */
	heapBytes(width: number, height: number): number;
	/** Changes when the same pixels would encode to other bytes: part of a cached result's key (and so its ETag). */
	version?: string;
	/**
	 * An encode fed strip by strip, for an encoder that streams (the others
	 * gather the frame in sinks.ts), and the memory it holds while fed.
	 */
	sink?(width: number, height: number, options: SinkOptions): RowSink;
	sinkBytes?(width: number, height: number): number;
}

export interface SinkOptions {
	/** 1-100; formats without a quality setting ignore it. */
	quality: number;
	/** PNG: RGBA when true, else RGB (a sink cannot look ahead to see every pixel opaque). */
	alpha?: boolean;
}

/** The 422 every format's header reader throws. */
export function corruptHeader(format: ImageFormat, what: string): UnprocessableError {
	return new UnprocessableError("corrupt_image", `the ${format.toUpperCase()} header is invalid: ${what}`);
}

/** Whether `bytes` holds `prefix` at `at`. */
export function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
	if (bytes.length < at + prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
	return true;
}
