// The symbol buffer of the JPEG encoder. The counting pass appends each
// block's Huffman symbols and their extra bits here while it counts them, so
// the coding pass can code those strips straight from the buffer instead of
// converting and transforming their pixels again. The buffer has a fixed
// size (the admission estimate stays exact whatever the image holds): strips
// whose symbols fit are stored, the first that does not ends the storing,
// and from it on the coding pass transforms the pixels again, as it would
// with no buffer at all. Entry: the symbol byte (DC: the size category; AC:
// run << 4 | size), then, when its size is not 0, the extra bits as a u16.
// The one walk over a block's symbols that counts, stores or codes them is
// here too, beside the replay that codes what it stored.

import { CODE, extraBits, FREQ, magnitude, putBits, SIZE } from "./_jpegenc_huff";

/** Largest entry run of one block: 64 symbols of 3 bytes. */
export const BLOCK_MAX: usize = 64 * 3;

let pos: usize = 0;

/** What walkBlock does with each symbol. */
const COUNTING = 0;
const STORING = 1;
const CODING = 2;

/** Counts the symbols of one zigzag block (jchuff.c htest_one_block);
 * returns its DC for the next. */
export function countBlock(blk: usize, lastDc: i32, dc: usize, ac: usize): i32 {
	return walkBlock(blk, lastDc, dc, ac, COUNTING);
}

/** Counts the symbols of one zigzag block and appends them at `at`; returns
 * where the next block's go. Its DC for the next block is blk[0]. */
export function storeBlock(blk: usize, lastDc: i32, dc: usize, ac: usize, at: usize): usize {
	pos = at;
	walkBlock(blk, lastDc, dc, ac, STORING);
	return pos;
}

/** Codes one zigzag block (jchuff.c encode_one_block); returns its DC. */
export function encodeBlock(blk: usize, lastDc: i32, dc: usize, ac: usize): i32 {
	return walkBlock(blk, lastDc, dc, ac, CODING);
}

/** The symbols of one block in coding order (DC size, then per nonzero AC
 * its run of zeros as ZRLs of 16 and run/size, then EOB if zeros end it),
 * each handed to `symbol`. One walk serves counting, storing and coding, so
 * the three cannot disagree on what a block emits; `mode` is the same for a
 * whole block, so its branch in `symbol` always goes the same way. */
function walkBlock(blk: usize, lastDc: i32, dc: usize, ac: usize, mode: i32): i32 {
	const d = load<i32>(blk);
	const t = d - lastDc;
	symbol(mode, dc, magnitude(t), t);
	let r = 0;
	for (let k: usize = 1; k < 64; k++) {
		const v = load<i32>(blk + (k << 2));
		if (v === 0) {
			r++;
			continue;
		}
		while (r > 15) {
			symbol(mode, ac, 0xf0, 0);
			r -= 16;
		}
		symbol(mode, ac, (r << 4) + magnitude(v), v);
		r = 0;
	}
	if (r > 0) symbol(mode, ac, 0, 0);
	return d;
}

/** Symbol `sym` of table t with the low bits of `v`: coded with the table's
 * code, or counted in its frequencies and, when storing, appended at pos. */
// @inline
function symbol(mode: i32, t: usize, sym: i32, v: i32): void {
	const n = sym & 15;
	if (mode === CODING) {
		const at = (t << 10) + ((<usize>sym) << 2);
		putBits(load<u32>(CODE + at), load<i32>(SIZE + at));
		if (n !== 0) putBits(extraBits(v, n), n);
		return;
	}
	const f = FREQ + t * 1028 + ((<usize>sym) << 2);
	store<i32>(f, load<i32>(f) + 1);
	if (mode !== STORING) return;
	store<u8>(pos, <u8>sym);
	if (n !== 0) {
		store<u16>(pos + 1, <u16>extraBits(v, n));
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
