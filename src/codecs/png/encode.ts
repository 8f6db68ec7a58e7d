import { TooLargeError } from "../../lib/errors";
import { isWellFormed, type Pixels } from "../../lib/pixels";
import type { RowSink } from "../../lib/strips";
import { crc32 } from "./crc";
import { type Deflater, openDeflater } from "./deflate";
import { instantiate, pagesFor, release as releaseKernel, sizing } from "./kernel";

/** JS-side buffers beside the kernel during an encode: filtered strips in flight and the deflater's state. */
const JS_BYTES = 768 * 1024;
/** Filtered bytes per strip handed to the deflater. */
const STRIP_BYTES = 131072;
/** Compressed bytes gathered into one IDAT chunk. */
const IDAT_BYTES = 65536;

function stripRows(width: number, height: number, channels: number): number {
	return Math.max(1, Math.min(height, Math.floor(STRIP_BYTES / (width * channels + 1))));
}

/** Kernel heap plus JS buffers one encode (or sink) of this size takes (input pixels and output file aside). */
export function pngEncodeBytes(width: number, height: number): number {
	const k = sizing();
	const rgb = k.encodeBytes(width, 3, stripRows(width, height, 3));
	const rgba = k.encodeBytes(width, 4, stripRows(width, height, 4));
	return pagesFor(Math.max(rgb, rgba)) + JS_BYTES;
}

/** True when every alpha byte is 255. */
function opaque(data: Uint8ClampedArray): boolean {
	if (data.byteOffset % 4 === 0) {
		const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
		for (let i = 0; i < words.length; i++) if (words[i]! < 0xff000000) return false;
		return true;
	}
	for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
	return true;
}

/**
 * 8-bit PNG: RGB when every pixel is opaque, else RGBA. Rows are filtered in
 * the kernel (libpng's heuristic) a strip at a time and streamed through
 * zlib (./deflate), so the filtered image is never held whole.
 */
export async function encodePng(pixels: Pixels): Promise<Uint8Array> {
	const { width, height, data } = pixels;
	if (!isWellFormed(pixels)) {
		throw new RangeError(`pixel buffer of ${data.length} bytes is not ${width}x${height} RGBA`);
	}
	const sink = pngSink(width, height, !opaque(data));
	try {
		await sink.write(pixels);
		return await sink.end();
	} catch (e) {
		sink.abort();
		throw e;
	}
}

/**
 * A PNG encode fed strip by strip (any row counts, top to bottom), each seen
 * once: rows gather in the kernel's input until a strip of the filter's
 * size is full, which is filtered and handed to the deflater at once.
 * `alpha` picks RGBA over RGB: a sink cannot look ahead for a pixel that is
 * not opaque, so the caller says (a filter's output and a JPEG are opaque).
 */
export function pngSink(width: number, height: number, alpha: boolean): RowSink {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`image size ${width}x${height} is not a positive integer size`);
	}
	const channels = alpha ? 4 : 3;
	const rows = stripRows(width, height, channels);
	const k = instantiate(() => {});
	let live = true;
	let deflater: Deflater | null = null;
	const release = () => {
		if (!live) return;
		live = false;
		deflater?.abort();
		releaseKernel(k);
	};
	const input = k.encSetup(width, channels, rows);
	if (input === 0) {
		release();
		throw new TooLargeError("image_too_large", `a ${width}x${height} image does not fit the PNG encoder's memory`);
	}
	const output = k.encOutput();
	const heap = new Uint8Array(k.memory.buffer);
	const stride = width * 4;
	deflater = openDeflater();
	let fill = 0;
	let written = 0;
	const flush = async () => {
		const bytes = k.encStrip(fill);
		fill = 0;
		await deflater!.write(heap.slice(output, output + bytes));
	};
	return {
		width,
		height,
		heldBytes: 0,
		async write(strip: Pixels): Promise<void> {
			if (!live) throw new RangeError("the PNG sink is closed");
			if (strip.width !== width || !isWellFormed(strip)) {
				throw new RangeError(`a strip of ${strip.width}x${strip.height} does not fit a ${width}-wide sink`);
			}
			if (written + strip.height > height) throw new RangeError(`more than ${height} rows written`);
			const src = new Uint8Array(strip.data.buffer, strip.data.byteOffset, strip.data.byteLength);
			try {
				for (let y = 0; y < strip.height; ) {
					const n = Math.min(rows - fill, strip.height - y);
					heap.set(src.subarray(y * stride, (y + n) * stride), input + fill * stride);
					fill += n;
					y += n;
					if (fill === rows) await flush();
				}
				written += strip.height;
			} catch (e) {
				release();
				throw e;
			}
		},
		async end(): Promise<Uint8Array> {
			if (!live) throw new RangeError("the PNG sink is closed");
			try {
				if (written !== height) throw new RangeError(`${written} of ${height} rows written`);
				if (fill > 0) await flush();
				const chunks = await deflater!.finish();
				deflater = null;
				return assemble(width, height, channels, chunks);
			} finally {
				release();
			}
		},
		abort: release,
	};
}

function assemble(width: number, height: number, channels: number, chunks: Uint8Array[]): Uint8Array {
	// Group the deflater's output into IDAT chunks of about IDAT_BYTES.
	const groups: Uint8Array[][] = [];
	let group: Uint8Array[] = [];
	let groupBytes = 0;
	let total = 0;
	for (const c of chunks) {
		if (c.length === 0) continue;
		group.push(c);
		groupBytes += c.length;
		total += c.length;
		if (groupBytes >= IDAT_BYTES) {
			groups.push(group);
			group = [];
			groupBytes = 0;
		}
	}
	if (group.length > 0) groups.push(group);
	const out = new Uint8Array(8 + 25 + groups.length * 12 + total + 12);
	const view = new DataView(out.buffer);
	out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
	let o = 8;
	const begin = (type: string, length: number) => {
		view.setUint32(o, length);
		for (let i = 0; i < 4; i++) out[o + 4 + i] = type.charCodeAt(i);
		o += 8;
	};
	const end = (start: number) => {
		view.setUint32(o, crc32(out.subarray(start + 4, o)));
		o += 4;
	};
	let start = o;
	begin("IHDR", 13);
	view.setUint32(o, width);
	view.setUint32(o + 4, height);
	out.set([8, channels === 4 ? 6 : 2, 0, 0, 0], o + 8);
	o += 13;
	end(start);
	for (const g of groups) {
		start = o;
		begin(
			"IDAT",
			g.reduce((n, c) => n + c.length, 0),
		);
		for (const c of g) {
			out.set(c, o);
			o += c.length;
		}
		end(start);
	}
	start = o;
	begin("IEND", 0);
	end(start);
	return out;
}
