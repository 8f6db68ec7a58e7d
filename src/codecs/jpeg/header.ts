import { exifOrientation } from "./exif";

/**
 * The frame header of a JPEG and what precedes it, read without decoding:
 * enough to refuse what the decoder does not read and to plan its memory.
 */
export interface JpegFrame {
	width: number;
	height: number;
	/** EXIF orientation (1-8) from the first APP1 before the frame; 1 when absent. */
	orientation: number;
	progressive: boolean;
	components: number;
	/** Per component, in frame order. */
	sampling: { id: number; h: number; v: number }[];
	precision: number;
	process: "baseline" | "extended" | "progressive" | "lossless" | "arithmetic";
	/** Differential (hierarchical) frame, or a DHP marker before the frame. */
	hierarchical: boolean;
	/** Transform flag of an APP14 Adobe marker before the frame (0 RGB/CMYK, 1 YCbCr, 2 YCCK), null without one. */
	adobeTransform: number | null;
	/** Components in the first scan (0 if no scan header follows): fewer than
	 * `components` in a sequential file means one scan per component, which
	 * the decoder must buffer like a progressive file. */
	firstScanComponents: number;
}

const PROCESS: Record<number, JpegFrame["process"]> = {
	192: "baseline",
	193: "extended",
	194: "progressive",
	195: "lossless",
	197: "extended",
	198: "progressive",
	199: "lossless",
	201: "arithmetic",
	202: "arithmetic",
	203: "lossless",
	205: "arithmetic",
	206: "arithmetic",
	207: "lossless",
};

/** Walks the markers up to the first frame header; a reason string when it cannot. */
export function readJpegFrame(b: Uint8Array): JpegFrame | string {
	if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return "not a JPEG stream";
	let orientation = 1;
	let adobeTransform: number | null = null;
	let dhp = false;
	let i = 2;
	while (i < b.length) {
		if (b[i] !== 0xff) return "a marker was expected where data continues";
		while (i < b.length && b[i] === 0xff) i++;
		const marker = b[i++];
		if (marker === undefined) break;
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		if (marker === 0xd9 || marker === 0xda) return "the image data starts before any frame header";
		if (i + 2 > b.length) break;
		const length = (b[i]! << 8) | b[i + 1]!;
		if (length < 2) return "a segment declares an impossible length";
		if (i + length > b.length) break;
		const body = b.subarray(i + 2, i + length);
		if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(body);
		if (marker === 0xee && body.length >= 12 && String.fromCharCode(...body.subarray(0, 5)) === "Adobe") {
			adobeTransform = body[11]!;
		}
		if (marker === 0xde) dhp = true;
		const process = PROCESS[marker];
		if (process) {
			if (body.length < 6) return "the frame header is too short";
			const precision = body[0]!;
			const height = (body[1]! << 8) | body[2]!;
			const width = (body[3]! << 8) | body[4]!;
			const components = body[5]!;
			if (width === 0 || height === 0) return "zero width or height";
			if (body.length < 6 + components * 3) return "the frame header is too short";
			const sampling = [];
			for (let c = 0; c < components; c++) {
				const o = 6 + c * 3;
				sampling.push({ id: body[o]!, h: body[o + 1]! >> 4, v: body[o + 1]! & 15 });
			}
			return {
				firstScanComponents: firstScan(b, i + length),
				width,
				height,
				orientation,
				progressive: process === "progressive" || marker === 0xca || marker === 0xce,
				components,
				sampling,
				precision,
				process,
				hierarchical: dhp || (marker & 0x04) !== 0,
				adobeTransform,
			};
		}
		i += length;
	}
	return "the file ends before the frame header";
}

/** Ns of the first SOS at or after offset i, 0 when none is found. */
function firstScan(b: Uint8Array, i: number): number {
	while (i + 4 < b.length) {
		if (b[i] !== 0xff) return 0;
		while (i < b.length && b[i] === 0xff) i++;
		const marker = b[i++]!;
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
		if (marker === 0xd9) return 0;
		if (marker === 0xda) return b[i + 2] ?? 0;
		i += (b[i]! << 8) | b[i + 1]!;
	}
	return 0;
}
