import { corruptHeader, type FormatReader, type FormatWriter, startsWith } from "../format";
import type { ImageInfo } from "../probe";
import { decodeJpeg, jpegRowSource } from "./decode";
import { encodeJpeg, jpegEncodeBytes, jpegSink, jpegSinkBytes } from "./encode";
import { readJpegFrame } from "./header";
import { jpegDecodeBytes, jpegScale } from "./plan";

/** How far before the end of a JPEG its EOI may sit (trailing padding some writers add). */
const EOI_WINDOW = 1024;

/**
 * A JPEG's EOI marker after its first scan header, within the last bytes.
 * The marker segments are walked to that scan header: entropy-coded data
 * never holds FF D9 (its FFs are stuffed or restart markers), so an EOI
 * after it ends the stream.
 */
function complete(b: Uint8Array): boolean {
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
	for (let i = b.length - 2; i >= Math.max(scan, b.length - EOI_WINDOW); i--) {
		if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
	}
	return false;
}

function probe(bytes: Uint8Array): ImageInfo {
	const jpeg = readJpegFrame(bytes);
	if (typeof jpeg === "string") throw corruptHeader("jpeg", jpeg);
	const { width, height, orientation, progressive, components } = jpeg;
	return {
		format: "jpeg",
		width,
		height,
		orientation,
		progressive,
		components,
		hasAlpha: false,
		animated: false,
		jpeg,
	};
}

/**
 * Our own decoder (assembly/jpeg.ts): straight to the size the work needs
 * through libjpeg's DCT scaling, never a full-resolution frame.
 */
export const jpegReader: FormatReader = {
	format: "jpeg",
	mime: "image/jpeg",
	sniff: (bytes) => startsWith(bytes, [0xff, 0xd8, 0xff]),
	probe,
	complete,
	plan(bytes, info, width, height) {
		const frame = info.jpeg ?? readJpegFrame(bytes);
		// The probe read the same header; a frame it accepted parses here too.
		if (typeof frame === "string") return { denom: 1, decoderBytes: 0, wholeFrame: false };
		const denom = jpegScale(info.width, info.height, width, height);
		return { denom, decoderBytes: jpegDecodeBytes(frame, denom, width, height), wholeFrame: false };
	},
	decode: async (bytes, plan) => decodeJpeg(bytes, plan.width, plan.height),
	rows: (bytes, plan) => jpegRowSource(bytes, plan.width, plan.height),
};

/** Baseline 4:2:0, MozJPEG's table with trellis quantisation, optimal Huffman tables, a few strips and a symbol buffer of memory (./encode.ts). */
export const jpegWriter: FormatWriter = {
	format: "jpeg",
	mime: "image/jpeg",
	encode: async (pixels, quality) => encodeJpeg(pixels, quality),
	heapBytes: (width, height) => jpegEncodeBytes(width, height),
	// 2: MozJPEG's table and trellis quantisation (1 was the Annex K encode, byte for byte cjpeg's).
	version: "jpeg-2",
	sink: (width, height, options) => jpegSink(width, height, options.quality),
	sinkBytes: jpegSinkBytes,
};
