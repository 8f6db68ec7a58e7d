import { ascii, u32be } from "../../lib/bytes";
import { corruptHeader, type FormatReader, type FormatWriter, startsWith } from "../format";
import type { ImageInfo } from "../probe";
import type { PngInfo } from "./chunks";
import { checkPngInterlaced, decodePng, pngDecodeBytes, pngRowSource } from "./decode";
import { encodePng, pngEncodeBytes, pngSink } from "./encode";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function indexOfAscii(b: Uint8Array, text: string, from: number, to: number): number {
	const first = text.charCodeAt(0);
	outer: for (let i = from; i <= to - text.length; i++) {
		if (b[i] !== first) continue;
		for (let j = 1; j < text.length; j++) if (b[i + j] !== text.charCodeAt(j)) continue outer;
		return i;
	}
	return -1;
}

function probe(b: Uint8Array): ImageInfo {
	// Signature (8) + IHDR chunk: length (4), type (4), 13 data bytes, CRC (4).
	if (b.length < 33) throw corruptHeader("png", "the file ends before the IHDR chunk");
	if (u32be(b, 8) !== 13 || ascii(b, 12, 4) !== "IHDR") throw corruptHeader("png", "the first chunk is not IHDR");
	const width = u32be(b, 16);
	const height = u32be(b, 20);
	const bitDepth = b[24]!;
	const colorType = b[25]!;
	if (width === 0 || height === 0) throw corruptHeader("png", "zero width or height");
	if (![1, 2, 4, 8, 16].includes(bitDepth) || ![0, 2, 3, 4, 6].includes(colorType)) {
		throw corruptHeader("png", "unknown bit depth or colour type");
	}
	// Alpha may also come from a tRNS chunk; a hint is all the probe needs.
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

/** IEND reached by walking the chunk lengths from the signature. */
function complete(b: Uint8Array): boolean {
	for (let o = 8; o + 12 <= b.length; ) {
		const end = o + 12 + u32be(b, o);
		if (end > b.length) return false;
		if (ascii(b, o + 4, 4) === "IEND") return true;
		o = end;
	}
	return false;
}

/** The probe's reading of IHDR, as the PNG codec takes it. */
function pngInfoOf(info: ImageInfo): PngInfo {
	return {
		width: info.width,
		height: info.height,
		bitDepth: info.bitDepth ?? 8,
		colorType: info.colorType ?? 6,
		interlaced: info.interlaced === true,
	};
}

/**
 * Our own streaming decoder (assembly/png.ts): rows are inflated, unfiltered
 * and resampled as they arrive. Adam7 images are gathered into a frame first,
 * so they are planned as whole-frame decodes, with the kernel's own cap.
 */
export const pngReader: FormatReader = {
	format: "png",
	mime: "image/png",
	sniff: (bytes) => startsWith(bytes, SIGNATURE),
	probe,
	complete,
	plan(_bytes, info, width, height) {
		const png = pngInfoOf(info);
		return { denom: 1, decoderBytes: pngDecodeBytes(png, width, height), wholeFrame: png.interlaced };
	},
	wholeFrame: { reason: "interlaced (Adam7) PNGs are", check: (info) => checkPngInterlaced(pngInfoOf(info)) },
	decode: (bytes, plan) => decodePng(bytes, plan.width, plan.height),
	rows: (bytes, plan) => pngRowSource(bytes, plan.width, plan.height),
};

/** libpng's per-row filter choice in the kernel, deflate through node:zlib (./encode.ts). */
export const pngWriter: FormatWriter = {
	format: "png",
	mime: "image/png",
	encode: (pixels) => encodePng(pixels),
	heapBytes: pngEncodeBytes,
	sink: (width, height, options) => pngSink(width, height, options.alpha === true),
	sinkBytes: pngEncodeBytes,
};
