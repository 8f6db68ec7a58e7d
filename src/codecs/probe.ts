import { UnsupportedMediaError } from "../lib/errors";
import type { ImageFormat } from "./format";
import { READERS, SUPPORTED_FORMATS } from "./formats";
import type { JpegFrame } from "./jpeg";
import { describeUnknown, sniffFormat } from "./sniff";

/** What the header says, read without decoding a single pixel. */
export interface ImageInfo {
	format: ImageFormat;
	/** Stored dimensions, as the decoder will produce them. */
	width: number;
	height: number;
	/** EXIF orientation 1-8 (1 when absent or not applicable). */
	orientation: number;
	hasAlpha: boolean;
	animated: boolean;
	/** JPEG only: progressive scan and component count (4 = CMYK/YCCK). */
	progressive?: boolean;
	components?: number;
	/** JPEG only: the whole frame header, which plans the decode. */
	jpeg?: JpegFrame;
	/** WebP only: a lossless (VP8L) bitstream, whose decode takes more memory than a lossy one. */
	lossless?: boolean;
	/** PNG only: bits per sample and colour type as declared in IHDR. */
	bitDepth?: number;
	colorType?: number;
	interlaced?: boolean;
}

/**
 * Identifies the format and reads dimensions from the header. Throws 415 for
 * formats we do not read and 422 for headers that do not parse. The caller
 * checks the dimensions against the caps before anything is decoded.
 */
export function probeImage(bytes: Uint8Array): ImageInfo {
	const format = sniffFormat(bytes);
	if (!format) {
		throw new UnsupportedMediaError(
			"unsupported_format",
			`the upload is ${describeUnknown(bytes)}; supported formats are ${SUPPORTED_FORMATS.map((f) => f.toUpperCase()).join(", ")}`,
			{ supported: [...SUPPORTED_FORMATS] },
		);
	}
	return READERS[format].probe(bytes);
}

/** Whether the upload holds its format's whole stream, judged from its framing alone. */
export function isComplete(bytes: Uint8Array, format: ImageFormat): boolean {
	return READERS[format].complete(bytes);
}

/** Width and height as a viewer shows them, after EXIF orientation. */
export function displaySize(info: ImageInfo): { width: number; height: number } {
	return info.orientation >= 5
		? { width: info.height, height: info.width }
		: { width: info.width, height: info.height };
}
