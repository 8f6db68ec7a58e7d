// Huffman coding for the JPEG encoder: the symbol counts of every table,
// tables made optimal for those counts (jpeg_gen_optimal_table), and the bit
// writer with 0xFF stuffing that codes blocks with them (the block walk that
// counts, keeps or codes a block's symbols is in _jpegenc_symbols.ts).
// Tables: 0 luma DC, 1 luma AC, 2 chroma DC, 3 chroma AC.

import { emitBytes } from "./host/env";

/** Symbol counts, 4 tables x 257 i32 (entry 256 is jpeg_gen_optimal_table's
 * reserved code point, so no code is all ones). */
export const FREQ = memory.data(4 * 257 * 4, 16);
/** Code and length of each symbol, 4 x 256 u32 each. */
export const CODE = memory.data(4 * 256 * 4, 16);
export const SIZE = memory.data(4 * 256 * 4, 16);
/** The DHT contents: per table 16 counts of code lengths, then the symbols. */
export const BITS = memory.data(4 * 16);
export const VALS = memory.data(4 * 256);
export const NVALS = memory.data(4 * 4);
const CODESIZE = memory.data(257 * 4, 16);
const OTHERS = memory.data(257 * 4, 16);
const LBITS = memory.data(33 * 4, 16);

/** Output buffer of the bit writer; emitted to the host when nearly full. */
export const OUT_BYTES: usize = 65536;
/** A block codes to at most 64 * 27 bits, doubled by stuffing: keep 512 bytes free. */
const OUT_SLACK: usize = 512;
let out: usize = 0;
let pos: usize = 0;
let acc: u64 = 0;
let nacc: i32 = 0;

export function outInit(buffer: usize): void {
	out = buffer;
	pos = 0;
	acc = 0;
	nacc = 0;
}

export function putByte(b: i32): void {
	store<u8>(out + pos, <u8>b);
	pos++;
}

/** Emits the buffered bytes when fewer than a block's worth remain (or always). */
export function flushOut(always: bool): void {
	if (pos === 0 || (!always && pos < OUT_BYTES - OUT_SLACK)) return;
	emitBytes(out, <i32>pos);
	pos = 0;
}

// @inline
export function putBits(code: u32, size: i32): void {
	acc = (acc << (<u64>size)) | <u64>code;
	nacc += size;
	while (nacc >= 8) {
		nacc -= 8;
		const b = <u8>(acc >> <u64>nacc);
		store<u8>(out + pos, b);
		pos++;
		if (b === 0xff) {
			store<u8>(out + pos, 0);
			pos++;
		}
	}
}

/** Pads the last byte with 1 bits (jchuff.c flush_bits). */
export function padBits(): void {
	if (nacc > 0) putBits(0x7f, 7);
	nacc = 0;
	acc = 0;
}

export function magnitude(v: i32): i32 {
	return v === 0 ? 0 : 32 - clz(v < 0 ? -v : v);
}

/** The n extra bits that follow a symbol: v itself, or for negatives JPEG's
 * one's-complement form (v - 1, low n bits). */
// @inline
export function extraBits(v: i32, n: i32): u32 {
	return <u32>(v < 0 ? v - 1 : v) & ((1 << n) - 1);
}

/** jpeg_gen_optimal_table for table t: code lengths of at most 16 bits, then
 * the canonical codes (jpeg_make_c_derived_tbl). */
export function optimalTable(t: usize): void {
	const freq = FREQ + t * 1028;
	store<i32>(freq + 1024, 1);
	for (let i: usize = 0; i < 257; i++) {
		store<i32>(CODESIZE + (i << 2), 0);
		store<i32>(OTHERS + (i << 2), -1);
	}
	for (;;) {
		// The two least frequent live symbols; ties go to the larger symbol.
		let c1 = -1;
		let c2 = -1;
		let v = 1000000000;
		for (let i = 0; i < 257; i++) {
			const f = load<i32>(freq + ((<usize>i) << 2));
			if (f !== 0 && f <= v) {
				v = f;
				c1 = i;
			}
		}
		v = 1000000000;
		for (let i = 0; i < 257; i++) {
			const f = load<i32>(freq + ((<usize>i) << 2));
			if (f !== 0 && f <= v && i !== c1) {
				v = f;
				c2 = i;
			}
		}
		if (c2 < 0) break;
		const p1 = freq + ((<usize>c1) << 2);
		const p2 = freq + ((<usize>c2) << 2);
		store<i32>(p1, load<i32>(p1) + load<i32>(p2));
		store<i32>(p2, 0);
		// Every symbol of both trees gets one bit longer; chain c2's onto c1's.
		bump(c1);
		while (load<i32>(OTHERS + ((<usize>c1) << 2)) >= 0) {
			c1 = load<i32>(OTHERS + ((<usize>c1) << 2));
			bump(c1);
		}
		store<i32>(OTHERS + ((<usize>c1) << 2), c2);
		bump(c2);
		while (load<i32>(OTHERS + ((<usize>c2) << 2)) >= 0) {
			c2 = load<i32>(OTHERS + ((<usize>c2) << 2));
			bump(c2);
		}
	}
	memory.fill(LBITS, 0, 33 * 4);
	for (let i: usize = 0; i < 257; i++) {
		const s = <usize>load<i32>(CODESIZE + (i << 2));
		if (s > 0) store<i32>(LBITS + (s << 2), load<i32>(LBITS + (s << 2)) + 1);
	}
	// Lengths over 16: move pairs up the tree as the JPEG spec's Figure K.3.
	for (let i = 32; i > 16; i--) {
		while (lb(i) > 0) {
			let j = i - 2;
			while (lb(j) === 0) j--;
			setLb(i, lb(i) - 2);
			setLb(i - 1, lb(i - 1) + 1);
			setLb(j + 1, lb(j + 1) + 2);
			setLb(j, lb(j) - 1);
		}
	}
	// Drop the reserved code point from the longest length.
	let i = 16;
	while (lb(i) === 0) i--;
	setLb(i, lb(i) - 1);
	let n: usize = 0;
	for (let l = 1; l <= 32; l++) {
		for (let s: usize = 0; s < 256; s++) {
			if (load<i32>(CODESIZE + (s << 2)) === l) {
				store<u8>(VALS + t * 256 + n, <u8>s);
				n++;
			}
		}
	}
	store<i32>(NVALS + (t << 2), <i32>n);
	// Canonical codes from the (limited) counts, symbols in VALS order.
	let code: u32 = 0;
	let k: usize = 0;
	for (let l = 1; l <= 16; l++) {
		const count = lb(l);
		store<u8>(BITS + t * 16 + <usize>(l - 1), <u8>count);
		for (let c = 0; c < count; c++) {
			const s = <usize>load<u8>(VALS + t * 256 + k);
			store<u32>(CODE + (t << 10) + (s << 2), code);
			store<i32>(SIZE + (t << 10) + (s << 2), l);
			code++;
			k++;
		}
		code <<= 1;
	}
}

function bump(c: i32): void {
	const p = CODESIZE + ((<usize>c) << 2);
	store<i32>(p, load<i32>(p) + 1);
}

function lb(i: i32): i32 {
	return load<i32>(LBITS + ((<usize>i) << 2));
}

function setLb(i: i32, v: i32): void {
	store<i32>(LBITS + ((<usize>i) << 2), v);
}
