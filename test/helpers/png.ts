/**
 * A small PNG writer for tests: gray, gray+alpha, palette, RGB and RGBA at every
 * depth the format allows (1, 2, 4 bits for gray and palette; 8; 16), tRNS for
 * palettes and colour keys, Adam7, and chosen row filters, so the intake can be
 * exercised on every variant without committing binaries. Rows use filter 0
 * unless `filters` says otherwise; zlib comes from CompressionStream.
 */
import { ADAM7, PNG_CHANNELS } from "../../src/codecs/png/chunks";
import { crc32 } from "../../src/codecs/png/crc";
import { concatAll } from "./bytes";

/** One PNG chunk: length, type, data and its CRC. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + data.length);
	const v = new DataView(out.buffer);
	v.setUint32(0, data.length);
	out.set(new TextEncoder().encode(type), 4);
	out.set(data, 8);
	v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
	return out;
}

/** One zlib stream of the parts, written one at a time (a generator can stream an image too large to hold). */
export async function zlib(parts: Iterable<Uint8Array>): Promise<Uint8Array> {
	const cs = new CompressionStream("deflate");
	const writer = cs.writable.getWriter();
	const out: Uint8Array[] = [];
	const reading = (async () => {
		const reader = cs.readable.getReader();
		for (;;) {
			const r = await reader.read();
			if (r.done) return;
			out.push(r.value);
		}
	})();
	for (const p of parts) await writer.write(p);
	await writer.close();
	await reading;
	return concatAll(out);
}

/** A non-interlaced 8-bit PNG of this colour type around a zlib stream made elsewhere. */
export function pngAround(width: number, height: number, colorType: number, z: Uint8Array): Uint8Array {
	const ihdr = new Uint8Array(13);
	new DataView(ihdr.buffer).setUint32(0, width);
	new DataView(ihdr.buffer).setUint32(4, height);
	ihdr.set([8, colorType, 0, 0, 0], 8);
	return rebuild([
		{ type: "IHDR", data: ihdr },
		{ type: "IDAT", data: z },
		{ type: "IEND", data: new Uint8Array(0) },
	]);
}

export const COLOR = { gray: 0, rgb: 2, palette: 3, grayAlpha: 4, rgba: 6 } as const;

export interface PngSpec {
	width: number;
	height: number;
	colorType: number;
	bitDepth?: 1 | 2 | 4 | 8 | 16;
	/** Samples per pixel in row-major order (values 0 to 2^depth - 1; palette indices for type 3). */
	samples: (x: number, y: number) => number[];
	/** RGB triples for colour type 3. */
	palette?: [number, number, number][];
	/** Alpha per palette entry (tRNS), for colour type 3. */
	paletteAlpha?: number[];
	/** Adam7 interlacing: seven reduced passes instead of plain rows. */
	interlaced?: boolean;
	/** tRNS colour key for gray (one sample) or RGB (three), at the image's depth. */
	transparent?: number[];
	/** Filter type (0-4) of each scanline, by its index in the stream (every pass's rows counted in order). */
	filters?: (row: number) => number;
}

function paeth(a: number, b: number, c: number): number {
	const pa = Math.abs(b - c);
	const pb = Math.abs(a - c);
	const pc = Math.abs(a + b - 2 * c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters one scanline `raw` (row above `prev`, bytes a pixel `bpp`) with filter `f`. */
export function filterScanline(f: number, raw: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
	const out = new Uint8Array(raw.length);
	for (let i = 0; i < raw.length; i++) {
		const a = i >= bpp ? raw[i - bpp]! : 0;
		const b = prev[i]!;
		const c = i >= bpp ? prev[i - bpp]! : 0;
		const p = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
		out[i] = (raw[i]! - p) & 0xff;
	}
	return out;
}

/** Scanlines of the sub-images the image is stored as (one, or Adam7's seven, empty ones skipped), each after its filter byte. */
function scanlines(spec: PngSpec, depth: number): Uint8Array {
	const passes = spec.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
	const bits = PNG_CHANNELS[spec.colorType]! * depth;
	const bpp = Math.max(1, bits >> 3);
	const rows: Uint8Array[] = [];
	let index = 0;
	for (const [x0, y0, dx, dy] of passes) {
		if (x0 >= spec.width || y0 >= spec.height) continue;
		const passW = Math.ceil((spec.width - x0) / dx);
		let prev = new Uint8Array(Math.ceil((passW * bits) / 8));
		for (let y = y0; y < spec.height; y += dy) {
			const raw = new Uint8Array(prev.length);
			let bit = 0;
			for (let x = x0; x < spec.width; x += dx) {
				for (const s of spec.samples(x, y)) {
					if (depth === 16) {
						raw[bit >> 3] = s >> 8;
						raw[(bit >> 3) + 1] = s & 0xff;
					} else if (depth === 8) {
						raw[bit >> 3] = s & 0xff;
					} else {
						raw[bit >> 3]! |= (s & ((1 << depth) - 1)) << (8 - depth - (bit & 7));
					}
					bit += depth;
				}
			}
			const f = spec.filters ? spec.filters(index) : 0;
			index++;
			rows.push(new Uint8Array([f]), filterScanline(f, raw, prev, bpp));
			prev = raw;
		}
	}
	return concatAll(rows);
}

export async function makePng(spec: PngSpec): Promise<Uint8Array> {
	const depth = spec.bitDepth ?? 8;
	const raw = scanlines(spec, depth);
	const ihdr = new Uint8Array(13);
	const v = new DataView(ihdr.buffer);
	v.setUint32(0, spec.width);
	v.setUint32(4, spec.height);
	ihdr.set([depth, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
	const list: Chunk[] = [{ type: "IHDR", data: ihdr }];
	if (spec.palette) list.push({ type: "PLTE", data: new Uint8Array(spec.palette.flat()) });
	if (spec.paletteAlpha) list.push({ type: "tRNS", data: new Uint8Array(spec.paletteAlpha) });
	if (spec.transparent) {
		const key = new Uint8Array(spec.transparent.length * 2);
		for (const [i, k] of spec.transparent.entries()) new DataView(key.buffer).setUint16(i * 2, k);
		list.push({ type: "tRNS", data: key });
	}
	list.push({ type: "IDAT", data: await zlib([raw]) }, { type: "IEND", data: new Uint8Array(0) });
	return rebuild(list);
}

export interface Chunk {
	type: string;
	data: Uint8Array;
}

/** The chunks of a PNG, in order (data as views of it; CRCs not checked). */
export function chunks(png: Uint8Array): Chunk[] {
	const out: Chunk[] = [];
	let o = 8;
	const v = new DataView(png.buffer, png.byteOffset);
	while (o + 12 <= png.length) {
		const n = v.getUint32(o);
		out.push({ type: String.fromCharCode(...png.subarray(o + 4, o + 8)), data: png.subarray(o + 8, o + 8 + n) });
		o += 12 + n;
	}
	return out;
}

/** A PNG of these chunks: the signature, then each with its length and CRC. */
export function rebuild(list: Chunk[]): Uint8Array {
	return concatAll([
		new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		...list.map((c) => pngChunk(c.type, c.data)),
	]);
}
