import { avifWriter } from "./avif";
import type { FormatReader, FormatWriter, ImageFormat, OutputFormat } from "./format";
import { jpegReader, jpegWriter } from "./jpeg";
import { pngReader, pngWriter } from "./png";
import { webpReader, webpWriter } from "./webp";

/** Every format the service reads, in the order their magic bytes are tried. */
export const READERS: Record<ImageFormat, FormatReader> = { jpeg: jpegReader, png: pngReader, webp: webpReader };

/** Every format the service writes. */
export const WRITERS: Record<OutputFormat, FormatWriter> = {
	jpeg: jpegWriter,
	png: pngWriter,
	webp: webpWriter,
	avif: avifWriter,
};

export const SUPPORTED_FORMATS = Object.keys(READERS) as readonly ImageFormat[];

/** Media type of each format. */
export const MIME_TYPES = Object.fromEntries(Object.values(WRITERS).map((w) => [w.format, w.mime])) as Record<
	OutputFormat,
	string
>;

/** Memory one encode of a width x height image to `format` takes, beside the pixels it reads. */
export function encodeHeapBytes(format: OutputFormat, width: number, height: number): number {
	return WRITERS[format].heapBytes(width, height);
}
