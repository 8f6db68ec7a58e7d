/**
 * A small baseline JPEG writer for hostile-input tests. Our own encoder
 * (MozJPEG) only writes 3-component progressive or baseline files with no
 * restart markers, so the variants real cameras and scanners send — restart
 * intervals, grayscale, 4-component CMYK with an Adobe segment — are built
 * here from the DCT up. One 8x8 block per component per MCU (no subsampling),
 * a flat quantiser and fixed-length Huffman codes: a valid file, not a small one.
 */

export interface JpegSpec {
	width: number;
	height: number;
	/** 1 gray, 3 YCbCr (samples given as RGB), 4 CMYK (stored inverted, as Adobe writes it). */
	components: 1 | 3 | 4;
	/** Component values 0-255 at (x, y): [gray], [r, g, b] or [c, m, y, k]. */
	samples: (x: number, y: number) => number[];
	/** MCUs between restart markers; 0 for none. */
	restartInterval?: number;
}

const Q = 4; // flat quantiser: keeps every AC coefficient within the 10-bit size classes our codes cover

const ZIGZAG = (() => {
	const order: number[] = [];
	for (let s = 0; s < 15; s++) {
		const cells: number[] = [];
		for (let y = 0; y < 8; y++) {
			const x = s - y;
			if (x >= 0 && x < 8) cells.push(y * 8 + x);
		}
		// Even diagonals run bottom-left to top-right, odd ones the other way.
		order.push(...(s % 2 === 0 ? cells.reverse() : cells));
	}
	return order;
})();

const COS = Array.from({ length: 64 }, (_, i) => Math.cos(((2 * (i % 8) + 1) * Math.floor(i / 8) * Math.PI) / 16));

function fdct(block: Float64Array): Int32Array {
	const out = new Int32Array(64);
	for (let v = 0; v < 8; v++) {
		for (let u = 0; u < 8; u++) {
			let sum = 0;
			for (let y = 0; y < 8; y++) {
				for (let x = 0; x < 8; x++) sum += block[y * 8 + x]! * COS[u * 8 + x]! * COS[v * 8 + y]!;
			}
			const cu = u === 0 ? Math.SQRT1_2 : 1;
			const cv = v === 0 ? Math.SQRT1_2 : 1;
			out[v * 8 + u] = Math.round((0.25 * cu * cv * sum) / Q);
		}
	}
	return out;
}

class BitWriter {
	readonly bytes: number[] = [];
	private acc = 0;
	private n = 0;
	put(value: number, length: number): void {
		for (let i = length - 1; i >= 0; i--) {
			this.acc = (this.acc << 1) | ((value >> i) & 1);
			if (++this.n === 8) this.flushByte();
		}
	}
	private flushByte(): void {
		this.bytes.push(this.acc);
		if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
		this.acc = 0;
		this.n = 0;
	}
	/** Pads the last byte with 1 bits, as the standard asks before a marker. */
	align(): void {
		while (this.n !== 0) this.put(1, 1);
	}
}

// DC: 12 symbols, all 4-bit codes. AC: all 162 run/size symbols, 8-bit codes in symbol order.
const DC_SYMBOLS = Array.from({ length: 12 }, (_, i) => i);
const AC_SYMBOLS = [0x00, 0xf0];
for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) AC_SYMBOLS.push((run << 4) | size);
const AC_CODE = new Map(AC_SYMBOLS.map((s, i) => [s, i]));

function magnitude(value: number): { size: number; bits: number } {
	const a = Math.abs(value);
	const size = a === 0 ? 0 : Math.floor(Math.log2(a)) + 1;
	return { size, bits: value >= 0 ? value : value + (1 << size) - 1 };
}

function encodeBlock(w: BitWriter, coef: Int32Array, prevDc: number): number {
	const dc = magnitude(coef[0]! - prevDc);
	w.put(dc.size, 4);
	w.put(dc.bits, dc.size);
	let run = 0;
	for (let k = 1; k < 64; k++) {
		const c = coef[ZIGZAG[k]!]!;
		if (c === 0) {
			run++;
			continue;
		}
		while (run > 15) {
			w.put(AC_CODE.get(0xf0)!, 8);
			run -= 16;
		}
		const m = magnitude(c);
		w.put(AC_CODE.get((run << 4) | m.size)!, 8);
		w.put(m.bits, m.size);
		run = 0;
	}
	if (run > 0) w.put(AC_CODE.get(0x00)!, 8);
	return coef[0]!;
}

const segment = (marker: number, payload: number[]) => [
	0xff,
	marker,
	(payload.length + 2) >> 8,
	(payload.length + 2) & 0xff,
	...payload,
];

function dht(tableClass: number, symbols: number[], codeLength: number): number[] {
	const counts = new Array(16).fill(0);
	counts[codeLength - 1] = symbols.length;
	return [(tableClass << 4) | 0, ...counts, ...symbols];
}

function toStored(spec: JpegSpec, x: number, y: number): number[] {
	const s = spec.samples(Math.min(x, spec.width - 1), Math.min(y, spec.height - 1));
	if (spec.components === 3) {
		const [r, g, b] = s as [number, number, number];
		return [
			0.299 * r + 0.587 * g + 0.114 * b,
			128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
			128 + 0.5 * r - 0.418688 * g - 0.081312 * b,
		];
	}
	return spec.components === 4 ? s.map((v) => 255 - v) : s;
}

export function makeJpeg(spec: JpegSpec): Uint8Array {
	const { width: W, height: H, components: nc } = spec;
	const ri = spec.restartInterval ?? 0;
	const head = [0xff, 0xd8];
	// Adobe APP14 with transform 0: tells decoders the 3 or 4 channels are stored untransformed.
	if (nc === 4) head.push(...segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0]));
	head.push(...segment(0xdb, [0, ...new Array(64).fill(Q)]));
	const comps = Array.from({ length: nc }, (_, i) => i + 1);
	head.push(...segment(0xc0, [8, H >> 8, H & 0xff, W >> 8, W & 0xff, nc, ...comps.flatMap((id) => [id, 0x11, 0])]));
	head.push(...segment(0xc4, [...dht(0, DC_SYMBOLS, 4), ...dht(1, AC_SYMBOLS, 8)]));
	if (ri > 0) head.push(...segment(0xdd, [ri >> 8, ri & 0xff]));
	head.push(...segment(0xda, [nc, ...comps.flatMap((id) => [id, 0x00]), 0, 63, 0]));

	const w = new BitWriter();
	const prev = new Array(nc).fill(0);
	const mcusX = Math.ceil(W / 8);
	const mcusY = Math.ceil(H / 8);
	const block = new Float64Array(64);
	for (let m = 0; m < mcusX * mcusY; m++) {
		if (ri > 0 && m > 0 && m % ri === 0) {
			w.align();
			w.bytes.push(0xff, 0xd0 + ((m / ri - 1) % 8));
			prev.fill(0);
		}
		const bx = (m % mcusX) * 8;
		const by = Math.floor(m / mcusX) * 8;
		const stored = Array.from({ length: 64 }, (_, i) => toStored(spec, bx + (i % 8), by + Math.floor(i / 8)));
		for (let c = 0; c < nc; c++) {
			for (let i = 0; i < 64; i++) block[i] = stored[i]![c]! - 128;
			prev[c] = encodeBlock(w, fdct(block), prev[c]);
		}
	}
	w.align();
	return new Uint8Array([...head, ...w.bytes, 0xff, 0xd9]);
}
