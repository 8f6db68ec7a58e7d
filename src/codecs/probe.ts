import { ascii, u16le, u24le, u32be, u32le } from "../lib/bytes";
import { UnprocessableError, UnsupportedMediaError } from "../lib/errors";
import { type JpegFrame, readJpegFrame } from "./jpeg";
import { describeUnknown, type ImageFormat, SUPPORTED_FORMATS, sniffFormat } from "./sniff";

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

function corrupt(format: ImageFormat, what: string): UnprocessableError {
	return new UnprocessableError("corrupt_image", `the ${format.toUpperCase()} header is invalid: ${what}`);
}

function probePng(b: Uint8Array): ImageInfo {
	// Signature (8) + IHDR chunk: length (4), type (4), 13 data bytes, CRC (4).
	if (b.length < 33) throw corrupt("png", "the file ends before the IHDR chunk");
	if (u32be(b, 8) !== 13 || ascii(b, 12, 4) !== "IHDR") throw corrupt("png", "the first chunk is not IHDR");
	const width = u32be(b, 16);
	const height = u32be(b, 20);
	const bitDepth = b[24]!;
	const colorType = b[25]!;
	if (width === 0 || height === 0) throw corrupt("png", "zero width or height");
	if (![1, 2, 4, 8, 16].includes(bitDepth) || ![0, 2, 3, 4, 6].includes(colorType)) {
		throw corrupt("png", "unknown bit depth or colour type");
	}
	// Alpha may also come from a tRNS chunk; we only need a hint here.
	const hasAlpha = colorType === 4 || colorType === 6;
	// APNG frames are announced by an acTL chunk before the first IDAT.
	const animated = indexOfAscii(b, "acTL", 33, Math.min(b.length, 65536)) >= 0;
	return {
		format: "png",
		width,
		height,
		orientation: 1,
		hasAlpha,
		animated,
		bitDepth,
		colorType,
		interlaced: b[28] === 1,
	};
}

function indexOfAscii(b: Uint8Array, text: string, from: number, to: number): number {
	const first = text.charCodeAt(0);
	outer: for (let i = from; i <= to - text.length; i++) {
		if (b[i] !== first) continue;
		for (let j = 1; j < text.length; j++) if (b[i + j] !== text.charCodeAt(j)) continue outer;
		return i;
	}
	return -1;
}

function probeWebp(b: Uint8Array): ImageInfo {
	if (b.length < 30) throw corrupt("webp", "the file ends before the first chunk");
	const chunk = ascii(b, 12, 4);
	const d = 20; // start of the first chunk's payload
	if (chunk === "VP8 ") {
		// Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit sizes.
		if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) throw corrupt("webp", "missing VP8 start code");
		const width = u16le(b, d + 6) & 0x3fff;
		const height = u16le(b, d + 8) & 0x3fff;
		if (!width || !height) throw corrupt("webp", "zero width or height");
		return { format: "webp", width, height, orientation: 1, hasAlpha: false, animated: false, lossless: false };
	}
	if (chunk === "VP8L") {
		if (b[d] !== 0x2f) throw corrupt("webp", "missing VP8L signature");
		const bits = (b[d + 1]! | (b[d + 2]! << 8) | (b[d + 3]! << 16) | (b[d + 4]! << 24)) >>> 0;
		const width = (bits & 0x3fff) + 1;
		const height = ((bits >>> 14) & 0x3fff) + 1;
		return {
			format: "webp",
			width,
			height,
			orientation: 1,
			hasAlpha: ((bits >>> 28) & 1) === 1,
			animated: false,
			lossless: true,
		};
	}
	if (chunk === "VP8X") {
		const flags = b[d]!;
		const width = u24le(b, d + 4) + 1;
		const height = u24le(b, d + 7) + 1;
		return {
			format: "webp",
			width,
			height,
			orientation: 1,
			hasAlpha: (flags & 0x10) !== 0,
			animated: (flags & 0x02) !== 0,
			// Frames of an animation nest their bitstreams; assume the costlier kind for those.
			lossless: (flags & 0x02) !== 0 || hasChunk(b, 30, "VP8L"),
		};
	}
	throw corrupt("webp", "unknown first chunk");
}

/** Whether a top-level RIFF chunk of this type starts at or after `from` (a truncated list just ends). */
function hasChunk(b: Uint8Array, from: number, type: string): boolean {
	for (let o = from; o + 8 <= b.length; ) {
		if (ascii(b, o, 4) === type) return true;
		const size = u32le(b, o + 4);
		o += 8 + size + (size % 2);
	}
	return false;
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
	if (format === "png") return probePng(bytes);
	if (format === "webp") return probeWebp(bytes);
	const jpeg = readJpegFrame(bytes);
	if (typeof jpeg === "string") throw corrupt("jpeg", jpeg);
	const { width, height, orientation, progressive, components } = jpeg;
	return { format, width, height, orientation, progressive, components, hasAlpha: false, animated: false, jpeg };
}

/** How far before the end of a JPEG its EOI may sit (trailing padding some writers add). */
const JPEG_EOI_WINDOW = 1024;

/**
 * Whether the upload holds its format's whole stream, judged from its framing
 * alone (nothing is decoded): a JPEG's EOI marker after its first scan header,
 * within the last bytes; a PNG's IEND chunk, reached by walking the chunk
 * lengths from the signature; a WebP's RIFF size within the file.
 */
export function isComplete(bytes: Uint8Array, format: ImageFormat): boolean {
	if (format === "png") return pngComplete(bytes);
	if (format === "webp") return bytes.length >= 12 && 8 + u32le(bytes, 4) <= bytes.length;
	return jpegComplete(bytes);
}

function pngComplete(b: Uint8Array): boolean {
	for (let o = 8; o + 12 <= b.length; ) {
		const length = u32be(b, o);
		const end = o + 12 + length;
		if (end > b.length) return false;
		if (ascii(b, o + 4, 4) === "IEND") return true;
		o = end;
	}
	return false;
}

function jpegComplete(b: Uint8Array): boolean {
	// Walk the marker segments to the first scan header: entropy-coded data never holds FF D9
	// (its FFs are stuffed or restart markers), so an EOI after it ends the stream.
	let scan = -1;
	for (let o = 2; o + 4 <= b.length; ) {
		if (b[o] !== 0xff) return false;
		const marker = b[o + 1]!;
		if (marker === 0xff) {
			o++;
			continue;
		}
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			o += 2;
			continue;
		}
		const length = (b[o + 2]! << 8) | b[o + 3]!;
		if (marker === 0xda) {
			scan = o + 2 + length;
			break;
		}
		o += 2 + length;
	}
	if (scan < 0) return false;
	for (let i = b.length - 2; i >= Math.max(scan, b.length - JPEG_EOI_WINDOW); i--) {
		if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
	}
	return false;
}

/** Width and height as a viewer shows them, after EXIF orientation. */
export function displaySize(info: ImageInfo): { width: number; height: number } {
	return info.orientation >= 5
		? { width: info.height, height: info.width }
		: { width: info.width, height: info.height };
}
