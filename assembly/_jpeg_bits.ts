// Input window and entropy bit reader of the JPEG kernel. The upload stays in
// JS: bytes arrive through the host's refill into a fixed window, so kernel
// memory never holds the file. Entropy bits sit left-justified in a u64 so a
// Huffman peek is one shift; byte stuffing (FF 00) is undone while filling,
// and a marker met inside entropy data stops the fill: from then on zero bits
// are fed and counted (`padded`), so running past the real data is detected
// exactly (nbits < padded) instead of being guessed from file offsets.

import { FAST_BITS, LOOK_BITS, T_FAST, T_MAX, T_OFF, T_VAL } from "./_jpeg_huffman";
import { refill, seek } from "./host/env";

export const WINDOW_BYTES: i32 = 65536;
/** Pseudo marker for the end of the input. */
export const MARK_EOF: i32 = 0x100;

let win: usize = 0;
let pos: usize = 0;
let end: usize = 0;
/** File offset of `end`: bytes the host delivered since the start or the last seek. */
let delivered = 0;

export let acc: u64 = 0;
export let nbits: i32 = 0;
export let padded: i32 = 0;
/** Marker met by the bit reader (or MARK_EOF), 0 while entropy data continues. */
export let marker: i32 = 0;
/** Set when a code matched no table entry; checked once per MCU row so the
 * hot loop has no exits. */
export let huffBad: bool = false;

export function bitsInit(window: usize): void {
	win = window;
	pos = window;
	end = window;
	delivered = 0;
	bitsReset();
	marker = 0;
	huffBad = false;
}

/** Drops buffered bits (scan start, restart): entropy segments start byte aligned. */
export function bitsReset(): void {
	acc = 0;
	nbits = 0;
	padded = 0;
}

/** Next input byte, or -1 at the end of the input. */
export function nextByte(): i32 {
	if (pos >= end) {
		const n = refill(win, WINDOW_BYTES);
		if (n <= 0) return -1;
		pos = win;
		end = win + <usize>min(n, WINDOW_BYTES);
		delivered += min(n, WINDOW_BYTES);
	}
	return <i32>load<u8>(pos++);
}

/** Skips n bytes; false if the input ends first. */
export function skipBytes(n: i32): bool {
	while (n > 0) {
		if (pos >= end) {
			const got = refill(win, WINDOW_BYTES);
			if (got <= 0) return false;
			pos = win;
			end = win + <usize>min(got, WINDOW_BYTES);
			delivered += min(got, WINDOW_BYTES);
		}
		const here = min(<i32>(end - pos), n);
		pos += <usize>here;
		n -= here;
	}
	return true;
}

// A scan resumed by a later pass of a decode in passes: where its entropy
// data was left (file offset of the next byte, and the bits already taken).
export const BITS_STATE_BYTES: usize = 24;

/** Saves the reader's position inside entropy data to p. */
export function bitsSave(p: usize): void {
	store<i32>(p, delivered - <i32>(end - pos));
	store<i32>(p, nbits, 4);
	store<i32>(p, padded, 8);
	store<i32>(p, marker, 12);
	store<u64>(p, acc, 16);
}

/** Puts the reader back where bitsSave(p) found it; the host re-reads from there. */
export function bitsRestore(p: usize): void {
	delivered = load<i32>(p);
	seek(delivered);
	pos = end = win;
	nbits = load<i32>(p, 4);
	padded = load<i32>(p, 8);
	marker = load<i32>(p, 12);
	acc = load<u64>(p, 16);
}

/** Tops the buffer up to at least 57 bits (zeros past a marker or the end). */
export function fill(): void {
	// Fast path: eight bytes at once when none of them is 0xFF (no stuffing, no marker).
	if (marker === 0 && end - pos >= 8) {
		const v = load<u64>(pos);
		const x = ~v;
		const ones: u64 = ((<u64>0x01010101) << 32) | 0x01010101;
		if (((x - ones) & ~x & (ones << 7)) === 0) {
			const n = (64 - nbits) >> 3;
			const keep = n === 8 ? <u64>-1 : ~(<u64>-1 >>> <u64>(n << 3));
			acc |= (bswap<u64>(v) & keep) >>> <u64>nbits;
			pos += <usize>n;
			nbits += n << 3;
			return;
		}
	}
	while (nbits <= 56) {
		if (marker !== 0) {
			padded += 64 - nbits;
			nbits = 64;
			return;
		}
		let b: i32;
		if (pos < end) b = <i32>load<u8>(pos++);
		else b = nextByte();
		if (b < 0) {
			marker = MARK_EOF;
			continue;
		}
		if (b === 0xff) {
			let b2 = nextByte();
			while (b2 === 0xff) b2 = nextByte();
			if (b2 < 0) {
				marker = MARK_EOF;
				continue;
			}
			if (b2 !== 0) {
				marker = b2;
				continue;
			}
		}
		acc |= (<u64>b) << (<u64>(56 - nbits));
		nbits += 8;
	}
}

/** True once bits past the real entropy data were consumed. */
export function overrun(): bool {
	return nbits < padded;
}

export function getBits(n: i32): i32 {
	if (nbits < n) fill();
	const v = <i32>(acc >>> <u64>(64 - n));
	acc <<= <u64>n;
	nbits -= n;
	return v;
}

export function getBit(): i32 {
	if (nbits < 1) fill();
	const v = <i32>(acc >>> 63);
	acc <<= 1;
	nbits -= 1;
	return v;
}

/** Reads s (1..16) bits and sign-extends them as JPEG magnitude categories do.
 * The caller has filled at least s bits. */
export function receiveExtend(s: i32): i32 {
	const v = <i32>(acc >>> <u64>(64 - s));
	acc <<= <u64>s;
	nbits -= s;
	return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

/** Finds the next marker outside entropy data (skipping garbage bytes as
 * libjpeg does); returns its code, or MARK_EOF. */
export function nextMarker(): i32 {
	if (marker !== 0) {
		const m = marker;
		marker = 0;
		return m;
	}
	let b = nextByte();
	while (b >= 0) {
		if (b !== 0xff) {
			// Entropy data being skipped (a scan not parsed, or the rest of one
			// past a pass's band): eight bytes at a time up to the next 0xFF.
			const ones: u64 = ((<u64>0x01010101) << 32) | 0x01010101;
			while (end - pos >= 8) {
				const x = ~load<u64>(pos);
				if (((x - ones) & ~x & (ones << 7)) !== 0) break;
				pos += 8;
			}
			b = nextByte();
			continue;
		}
		while (b === 0xff) b = nextByte();
		if (b > 0) return b;
		if (b === 0) b = nextByte();
	}
	return MARK_EOF;
}

/** Next symbol of table t. The caller has filled at least 16 bits. */
export function huffDecode(t: usize): i32 {
	const e = <i32>load<u16>(t + ((<usize>(acc >>> 55)) << 1));
	if (e !== 0) {
		const l = e >> 8;
		acc <<= <u64>l;
		nbits -= l;
		return e & 0xff;
	}
	return huffSlow(t);
}

function huffSlow(t: usize): i32 {
	let l = LOOK_BITS + 1;
	let code = <i32>(acc >>> <u64>(64 - l));
	while (code > load<i32>(t + T_MAX + ((<usize>l) << 2))) {
		l++;
		if (l > 16) {
			huffBad = true;
			acc <<= 1;
			nbits -= 1;
			return 0;
		}
		code = <i32>(acc >>> <u64>(64 - l));
	}
	acc <<= <u64>l;
	nbits -= l;
	return <i32>load<u8>(t + T_VAL + <usize>((code + load<i32>(t + T_OFF + ((<usize>l) << 2))) & 0xff));
}

/** Fills the bit buffer when fewer than 32 bits are left: enough for one
 * symbol and its magnitude bits. */
export function ensure32(): void {
	if (nbits < 32) fill();
}

/** Fast entry for the next 11 bits of table t (0: take the slow path). */
export function fastAc(t: usize): i32 {
	return load<i32>(t + T_FAST + ((<usize>(acc >>> <u64>(64 - FAST_BITS))) << 2));
}

/** Drops n bits the caller has already decoded through a lookup. */
export function skipBits(n: i32): void {
	acc <<= <u64>n;
	nbits -= n;
}

/** Fills the bit buffer when fewer than 16 bits are left (a fast lookup's 11). */
export function ensure16(): void {
	if (nbits < 16) fill();
}
