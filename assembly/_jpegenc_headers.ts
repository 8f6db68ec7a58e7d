// The JFIF headers the encoder writes before its one scan: SOI, APP0 (JFIF
// 1.01, no density), both quantisation tables, a baseline SOF0 with 4:2:0
// sampling (Y 2x2, Cb and Cr 1x1), the four optimal Huffman tables, and the
// SOS of an interleaved scan of all three components. All of it fits the
// output buffer at once (about 1.3 KB at most).

import { QTABLES, ZIGZAG } from "./_jpegenc_fdct";
import { BITS, NVALS, putByte, VALS } from "./_jpegenc_huff";

function put16(v: i32): void {
	putByte(v >> 8);
	putByte(v & 0xff);
}

function marker(m: i32, length: i32): void {
	putByte(0xff);
	putByte(m);
	put16(length);
}

export function writeHeaders(w: i32, h: i32): void {
	putByte(0xff);
	putByte(0xd8);
	marker(0xe0, 16);
	putByte(0x4a); // "JFIF\0"
	putByte(0x46);
	putByte(0x49);
	putByte(0x46);
	putByte(0);
	put16(0x0101);
	putByte(0); // no units: aspect ratio 1:1
	put16(1);
	put16(1);
	put16(0); // no thumbnail
	marker(0xdb, 2 + 2 * 65);
	for (let t: usize = 0; t < 2; t++) {
		putByte(<i32>t); // 8-bit entries, table t
		for (let k: usize = 0; k < 64; k++) putByte(load<u8>(QTABLES + t * 64 + <usize>load<u8>(ZIGZAG + k)));
	}
	marker(0xc0, 17);
	putByte(8);
	put16(h);
	put16(w);
	putByte(3);
	for (let c = 1; c <= 3; c++) {
		putByte(c);
		putByte(c === 1 ? 0x22 : 0x11);
		putByte(c === 1 ? 0 : 1);
	}
	let dht = 2;
	for (let t: usize = 0; t < 4; t++) dht += 17 + load<i32>(NVALS + (t << 2));
	marker(0xc4, dht);
	for (let t: usize = 0; t < 4; t++) {
		// Class (0 DC, 1 AC) in the high nibble, table id in the low.
		putByte(<i32>(((t & 1) << 4) | (t >> 1)));
		for (let l: usize = 0; l < 16; l++) putByte(load<u8>(BITS + t * 16 + l));
		const n = <usize>load<i32>(NVALS + (t << 2));
		for (let i: usize = 0; i < n; i++) putByte(load<u8>(VALS + t * 256 + i));
	}
	marker(0xda, 12);
	putByte(3);
	for (let c = 1; c <= 3; c++) {
		putByte(c);
		putByte(c === 1 ? 0x00 : 0x11);
	}
	putByte(0); // Ss, Se, Ah/Al of a sequential scan
	putByte(63);
	putByte(0);
}

export function writeEnd(): void {
	putByte(0xff);
	putByte(0xd9);
}
