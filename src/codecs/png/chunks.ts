import { ascii, u32be } from "../../lib/bytes";
import { UnprocessableError } from "../../lib/errors";
import { crc32 } from "./crc";

/** What IHDR says, as the admission estimates take it. */
export interface PngInfo {
	width: number;
	height: number;
	bitDepth: number;
	colorType: number;
	interlaced: boolean;
}

/** A walked PNG: header, palette and transparency, and the IDAT payloads in order. */
export interface PngFile {
	info: PngInfo;
	/** PLTE entries (RGB triples), when present. */
	palette: Uint8Array | null;
	/** tRNS payload, when present and valid for the colour type. */
	trns: Uint8Array | null;
	/** IDAT payloads (views of the input bytes), the zlib stream in pieces. */
	idat: Uint8Array[];
	/** The bytes ended inside a chunk or before IEND. */
	truncated: boolean;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export function corrupt(message: string): UnprocessableError {
	return new UnprocessableError("corrupt_image", message);
}

/** Samples a pixel has, by colour type. */
export const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7's passes: x0, y0, dx, dy (as assembly/_png_decode.ts walks them). */
export const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2],
] as const;

/** Bytes of the inflated image data: every (pass's) row, its filter byte and packed samples. */
export function pngStreamBytes(info: PngInfo): number {
	const bits = PNG_CHANNELS[info.colorType]! * info.bitDepth;
	const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
	if (!info.interlaced) return rows(info.width, info.height);
	let n = 0;
	for (const [x0, y0, dx, dy] of ADAM7)
		n += rows(Math.ceil((info.width - x0) / dx), Math.ceil((info.height - y0) / dy));
	return n;
}

/** Reads and checks IHDR (the first chunk). */
export function readPngInfo(bytes: Uint8Array): PngInfo {
	if (bytes.length < 8 || SIGNATURE.some((v, i) => bytes[i] !== v)) throw corrupt("not a PNG signature");
	if (bytes.length < 33) throw new UnprocessableError("truncated_image", "the PNG ends inside its header");
	if (ascii(bytes, 12, 4) !== "IHDR" || u32be(bytes, 8) !== 13) throw corrupt("the PNG does not start with IHDR");
	if (crc32(bytes.subarray(12, 29)) !== u32be(bytes, 29)) throw corrupt("bad CRC in PNG chunk IHDR");
	const width = u32be(bytes, 16);
	const height = u32be(bytes, 20);
	const bitDepth = bytes[24]!;
	const colorType = bytes[25]!;
	if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) throw corrupt("PNG size out of range");
	if (!DEPTHS[colorType]?.includes(bitDepth)) throw corrupt(`invalid PNG colour type ${colorType} at ${bitDepth} bits`);
	if (bytes[26] !== 0 || bytes[27] !== 0 || bytes[28]! > 1)
		throw corrupt("unknown PNG compression, filter or interlace method");
	return { width, height, bitDepth, colorType, interlaced: bytes[28] === 1 };
}

/**
 * Walks the chunks: IHDR, PLTE, tRNS and IDAT are kept, other ancillary chunks
 * (lower-case first letter: text, colour profiles, APNG's acTL/fcTL/fdAT, ...)
 * are skipped, an unknown critical one is an error. CRCs of critical chunks
 * are checked (a bad one is corrupt_image); a tRNS with a bad CRC is dropped.
 */
export function walkPng(bytes: Uint8Array): PngFile {
	const info = readPngInfo(bytes);
	let palette: Uint8Array | null = null;
	let trns: Uint8Array | null = null;
	const idat: Uint8Array[] = [];
	let truncated = true;
	let off = 33;
	while (off + 8 <= bytes.length) {
		const n = u32be(bytes, off);
		const type = ascii(bytes, off + 4, 4);
		if (n > 0x7fffffff) throw corrupt("PNG chunk length out of range");
		const start = off + 8;
		const end = start + n;
		if (end + 4 > bytes.length) {
			if (type === "IDAT") idat.push(bytes.subarray(start, Math.min(end, bytes.length)));
			break;
		}
		const critical = (bytes[off + 4]! & 0x20) === 0;
		const crcOk = crc32(bytes.subarray(off + 4, end)) === u32be(bytes, end);
		if (critical && !crcOk) throw corrupt(`bad CRC in PNG chunk ${type.replace(/[^A-Za-z]/g, "?")}`);
		const data = bytes.subarray(start, end);
		if (type === "IDAT") {
			idat.push(data);
		} else if (type === "IEND") {
			truncated = false;
			break;
		} else if (type === "PLTE") {
			if (n % 3 !== 0 || n === 0 || n > 768) throw corrupt("invalid PNG palette length");
			palette = data;
		} else if (type === "tRNS") {
			if (crcOk) trns = data;
		} else if (type === "IHDR") {
			throw corrupt("a second IHDR in the PNG");
		} else if (critical) {
			throw corrupt("unknown critical PNG chunk");
		}
		off = end + 4;
	}
	if (info.colorType === 3 && palette === null) throw corrupt("palette PNG without a PLTE chunk");
	if (trns !== null) {
		const need = info.colorType === 0 ? 2 : info.colorType === 2 ? 6 : info.colorType === 3 ? -1 : 0;
		if (need === 0 || (need > 0 && trns.length !== need)) trns = null;
	}
	return { info, palette, trns, idat, truncated };
}

/** The kernel's view of tRNS and PLTE: a colour key (-1s when none), or a 256-entry RGBA palette table. */
export interface Transparency {
	key: [number, number, number];
	/** No pixel can be transparent (the resampler then skips premultiplying). */
	opaque: boolean;
	table: Uint8Array | null;
}

export function transparency(file: PngFile): Transparency {
	const { colorType } = file.info;
	const t = file.trns;
	const u16 = (o: number) => (t![o]! << 8) | t![o + 1]!;
	if (colorType === 0) return t ? { key: [u16(0), 0, 0], opaque: false, table: null } : none(true);
	if (colorType === 2) return t ? { key: [u16(0), u16(2), u16(4)], opaque: false, table: null } : none(true);
	if (colorType !== 3) return none(false);
	const pal = file.palette!;
	const table = new Uint8Array(1024);
	let opaque = true;
	for (let i = 0; i < 256; i++) {
		const defined = i * 3 < pal.length;
		table[i * 4] = defined ? pal[i * 3]! : 0;
		table[i * 4 + 1] = defined ? pal[i * 3 + 1]! : 0;
		table[i * 4 + 2] = defined ? pal[i * 3 + 2]! : 0;
		const a = t && i < t.length ? t[i]! : 255;
		table[i * 4 + 3] = a;
		if (a !== 255) opaque = false;
	}
	return { key: [-1, -1, -1], opaque, table };
}

function none(opaque: boolean): Transparency {
	return { key: [-1, -1, -1], opaque, table: null };
}
