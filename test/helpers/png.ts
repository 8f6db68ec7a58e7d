/**
 * A small PNG writer for tests: gray, gray+alpha, palette, RGB and RGBA at 8
 * or 16 bits, so the intake can be exercised on every colour type without
 * committing binaries. Rows use filter 0; zlib comes from CompressionStream.
 */
const CRC_TABLE = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
	const out = new Uint8Array(12 + data.length);
	const v = new DataView(out.buffer);
	v.setUint32(0, data.length);
	out.set(new TextEncoder().encode(type), 4);
	out.set(data, 8);
	v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
	return out;
}

async function zlib(data: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const COLOR = { gray: 0, rgb: 2, palette: 3, grayAlpha: 4, rgba: 6 } as const;

export interface PngSpec {
	width: number;
	height: number;
	colorType: number;
	bitDepth?: 8 | 16;
	/** Samples per pixel in row-major order (values 0-255, or 0-65535 at 16 bits; palette indices for type 3). */
	samples: (x: number, y: number) => number[];
	/** RGB triples for colour type 3. */
	palette?: [number, number, number][];
	/** Alpha per palette entry (tRNS), for colour type 3. */
	paletteAlpha?: number[];
	/** Adam7 interlacing: seven reduced passes instead of plain rows. */
	interlaced?: boolean;
}

// Adam7 passes: [x0, y0, dx, dy].
const ADAM7 = [
	[0, 0, 8, 8],
	[4, 0, 8, 8],
	[0, 4, 4, 8],
	[2, 0, 4, 4],
	[0, 2, 2, 4],
	[1, 0, 2, 2],
	[0, 1, 1, 2],
] as const;

/** Filter-0 scanlines of the sub-images the image is stored as: one, or Adam7's seven (empty ones skipped). */
function scanlines(spec: PngSpec, depth: number): Uint8Array {
	const passes = spec.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
	const rows: number[] = [];
	for (const [x0, y0, dx, dy] of passes) {
		if (x0 >= spec.width || y0 >= spec.height) continue;
		for (let y = y0; y < spec.height; y += dy) {
			rows.push(0);
			for (let x = x0; x < spec.width; x += dx) {
				for (const s of spec.samples(x, y)) {
					if (depth === 16) rows.push(s >> 8);
					rows.push(s & 0xff);
				}
			}
		}
	}
	return new Uint8Array(rows);
}

export async function makePng(spec: PngSpec): Promise<Uint8Array> {
	const depth = spec.bitDepth ?? 8;
	const raw = scanlines(spec, depth);
	const ihdr = new Uint8Array(13);
	const v = new DataView(ihdr.buffer);
	v.setUint32(0, spec.width);
	v.setUint32(4, spec.height);
	ihdr.set([depth, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
	const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr)];
	if (spec.palette) parts.push(chunk("PLTE", new Uint8Array(spec.palette.flat())));
	if (spec.paletteAlpha) parts.push(chunk("tRNS", new Uint8Array(spec.paletteAlpha)));
	parts.push(chunk("IDAT", await zlib(raw)), chunk("IEND", new Uint8Array(0)));
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.length;
	}
	return out;
}
