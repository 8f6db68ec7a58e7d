// The symbol buffer of the JPEG encoder. The counting pass appends each
// block's Huffman symbols and their extra bits here while it counts them, so
// the coding pass can code those strips straight from the buffer instead of
// converting and transforming their pixels again. The buffer has a fixed
// size (the admission estimate stays exact whatever the image holds): strips
// whose symbols fit are stored, the first that does not ends the storing,
// and from it on the coding pass transforms the pixels again, as it would
// with no buffer at all. Entry: the symbol byte (DC: the size category; AC:
// run << 4 | size), then, when its size is not 0, the extra bits as a u16.

import { CODE, FREQ, magnitude, putBits, SIZE } from "./_jpegenc_huff";

/** Largest entry run of one block: 64 symbols of 3 bytes. */
export const BLOCK_MAX: usize = 64 * 3;

let pos: usize = 0;

/** Counts the symbols of one zigzag block and appends them at `at`; returns
 * where the next block's go. Its DC for the next block is blk[0]. */
export function storeBlock(blk: usize, lastDc: i32, dc: usize, ac: usize, at: usize): usize {
	pos = at;
	const d = load<i32>(blk);
	let t = d - lastDc;
	let n = magnitude(t);
	bump(FREQ + dc * 1028, n, t);
	let r = 0;
	const fa = FREQ + ac * 1028;
	for (let k: usize = 1; k < 64; k++) {
		t = load<i32>(blk + (k << 2));
		if (t === 0) {
			r++;
			continue;
		}
		while (r > 15) {
			bump(fa, 0xf0, 0);
			r -= 16;
		}
		n = magnitude(t);
		bump(fa, (r << 4) + n, t);
		r = 0;
	}
	if (r > 0) bump(fa, 0, 0);
	return pos;
}

/** Counts symbol `sym` in the table at `freq` and appends it with the low
 * bits of `v` (JPEG's one's-complement form for negatives). */
// @inline
function bump(freq: usize, sym: i32, v: i32): void {
	const p = freq + ((<usize>sym) << 2);
	store<i32>(p, load<i32>(p) + 1);
	store<u8>(pos, <u8>sym);
	const n = sym & 15;
	if (n !== 0) {
		store<u16>(pos + 1, <u16>((v < 0 ? v - 1 : v) & ((1 << n) - 1)));
		pos += 3;
	} else {
		pos++;
	}
}

/** Codes one block's entries from `at` with tables dc, ac; returns where the
 * next block's start. */
export function replayBlock(at: usize, dc: usize, ac: usize): usize {
	let p = at;
	let sym = <usize>load<u8>(p);
	const cd = CODE + (dc << 10);
	const sd = SIZE + (dc << 10);
	putBits(load<u32>(cd + (sym << 2)), load<i32>(sd + (sym << 2)));
	if (sym !== 0) {
		putBits(<u32>load<u16>(p + 1), <i32>sym);
		p += 3;
	} else {
		p++;
	}
	const ca = CODE + (ac << 10);
	const sa = SIZE + (ac << 10);
	// AC symbols until an EOB, or until the 63rd coefficient was coded.
	let k: usize = 1;
	while (k < 64) {
		sym = <usize>load<u8>(p);
		putBits(load<u32>(ca + (sym << 2)), load<i32>(sa + (sym << 2)));
		if (sym === 0) return p + 1;
		const n = sym & 15;
		if (n !== 0) {
			putBits(<u32>load<u16>(p + 1), <i32>n);
			p += 3;
		} else {
			p++;
		}
		k += sym === 0xf0 ? 16 : (sym >> 4) + 1;
	}
	return p;
}
