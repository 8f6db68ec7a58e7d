// Trellis quantisation for the JPEG encoder: for each block, the choice of
// quantised AC values that minimises distortion + lambda * bits over the
// whole zigzag run, instead of rounding each coefficient on its own. A
// coefficient that rounds to v may also be coded as v - 1 or as zero (part
// of a longer run), which can save a run/size symbol, a size category or the
// whole tail after it (an earlier end of block). Bits are the Huffman code
// lengths the coding pass will most likely use: estimated from the symbol
// counts of the rows already seen (the tables are only made at the end), and
// before any count from a rough model of typical JPEG tables. Distortion is
// the squared error in units of the coefficient's quantiser step, so the
// table's weighting between frequencies is kept. DC is rounded as before.
//
// A dynamic programme over the coefficients that round to nonzero values:
// the best cost of a block prefix that ends with a nonzero coefficient at
// position k is the best over the previous nonzero position j (or the start)
// of its cost plus the run/size symbol between them, so a block costs
// O(nonzeros^2), small next to the DCT in all but the noisiest blocks.

import { DIVISORS, WS, ZIGZAG } from "./_jpegenc_fdct";
import { FREQ, SIZE } from "./_jpegenc_huff";

/** Estimated code length (bits) of each AC symbol: luma then chroma table, u8. */
const ACLEN = memory.data(512);
// Per candidate position (at most 63): zigzag index, the rounded magnitude
// and its neighbour below, their distortion changes against zero, the sign,
// the best cost of a prefix ending here, which candidate, and the previous.
const POS = memory.data(64 * 4, 16);
const MAG = memory.data(64 * 4, 16);
const DV0 = memory.data(64 * 8, 16);
const DV1 = memory.data(64 * 8, 16);
const NEG = memory.data(64 * 4, 16);
const BEST = memory.data(64 * 8, 16);
const PICK = memory.data(64 * 4, 16);
const PREV = memory.data(64 * 4, 16);

let lambda: f64 = 0;

/** Sets lambda (the price of a bit in squared quantiser steps) and the prior code lengths. */
export function trellisSetup(l: f64): void {
	lambda = l;
	for (let t = 0; t < 2; t++) priorLengths(<usize>t);
}

/** A guess at AC code lengths before any symbol was counted: short codes
 * for the end of block and small low-run symbols, longer with run and size. */
function priorLengths(t: usize): void {
	const at = ACLEN + (t << 8);
	for (let s = 0; s < 256; s++) {
		const run = s >> 4;
		const size = s & 15;
		store<u8>(at + <usize>s, <u8>min(16, 2 + size + run + (run > 1 ? run : 0)));
	}
	store<u8>(at, 4);
	store<u8>(at + 0xf0, 11);
}

/** Re-estimates the code lengths from the counts so far (AC tables 1 and 3):
 * -log2 of each symbol's share, with half a count for every symbol not yet seen. */
export function trellisRates(): void {
	for (let t: usize = 0; t < 2; t++) {
		const f = FREQ + (t * 2 + 1) * 1028;
		let total: f64 = 0;
		for (let s: usize = 0; s < 256; s++) total += <f64>load<i32>(f + (s << 2));
		if (total < 1024) continue; // too few counts to beat the prior
		const at = ACLEN + (t << 8);
		const all = total + 0.5 * 162;
		for (let s: usize = 0; s < 256; s++) {
			const bits = -Math.log2((<f64>load<i32>(f + (s << 2)) + 0.5) / all);
			store<u8>(at + s, <u8>min(16, max(1, <i32>Math.round(bits))));
		}
	}
}

function magnitude(v: i32): i32 {
	return v === 0 ? 0 : 32 - clz(v);
}

/** WS quantised with table t (0 luma, 1 chroma) into 64 i32 at out, zigzag
 * order, AC values chosen by the trellis. */
export function trellisQuant(t: usize, out: usize): void {
	const div = DIVISORS + (t << 8);
	const lens = ACLEN + (t << 8);
	// DC: rounded half away from zero, as the plain quantiser.
	const dc = load<i32>(WS);
	const q0 = load<i32>(div);
	store<i32>(out, dc < 0 ? -((q0 >> 1) - dc) / q0 : (dc + (q0 >> 1)) / q0);
	let np = 0;
	for (let k: usize = 1; k < 64; k++) {
		store<i32>(out + (k << 2), 0);
		const c = load<i32>(WS + ((<usize>load<u8>(ZIGZAG + k)) << 2));
		const q = load<i32>(div + (k << 2));
		const a = c < 0 ? -c : c;
		const v = (a + (q >> 1)) / q;
		if (v === 0) continue;
		const inv = 1.0 / (<f64>q * <f64>q);
		const af = <f64>a;
		const zero = af * af * inv;
		const i = (<usize>np) << 2;
		store<i32>(POS + i, <i32>k);
		store<i32>(MAG + i, v);
		store<i32>(NEG + i, c < 0 ? 1 : 0);
		const e0 = af - <f64>v * <f64>q;
		store<f64>(DV0 + (i << 1), e0 * e0 * inv - zero);
		const e1 = af - <f64>(v - 1) * <f64>q;
		store<f64>(DV1 + (i << 1), v > 1 ? e1 * e1 * inv - zero : 0);
		np++;
	}
	if (np === 0) return;
	const eob = <f64>load<u8>(lens);
	const zrl = <f64>load<u8>(lens + 0xf0);
	for (let i = 0; i < np; i++) {
		const ii = (<usize>i) << 2;
		const k = load<i32>(POS + ii);
		const v = load<i32>(MAG + ii);
		let best = Infinity;
		let pick = 0;
		let prev = -1;
		for (let cand = 0; cand < 2; cand++) {
			const m = v - cand;
			if (m === 0) break;
			const size = magnitude(m);
			const d = cand === 0 ? load<f64>(DV0 + (ii << 1)) : load<f64>(DV1 + (ii << 1));
			const own = d + lambda * <f64>size;
			// From the start of the block, then from each earlier nonzero.
			let run = k - 1;
			let from = lambda * (<f64>(run >> 4) * zrl + <f64>load<u8>(lens + <usize>(((run & 15) << 4) | size)));
			let fromJ = -1;
			for (let j = 0; j < i; j++) {
				const jj = (<usize>j) << 2;
				run = k - load<i32>(POS + jj) - 1;
				const c =
					load<f64>(BEST + (jj << 1)) +
					lambda * (<f64>(run >> 4) * zrl + <f64>load<u8>(lens + <usize>(((run & 15) << 4) | size)));
				if (c < from) {
					from = c;
					fromJ = j;
				}
			}
			if (own + from < best) {
				best = own + from;
				pick = cand;
				prev = fromJ;
			}
		}
		store<f64>(BEST + (ii << 1), best);
		store<i32>(PICK + ii, pick);
		store<i32>(PREV + ii, prev);
	}
	// Where the block ends: after some nonzero (then an EOB unless it is the
	// last coefficient), or nothing at all.
	let end = -1;
	let endCost = lambda * eob;
	for (let i = 0; i < np; i++) {
		const ii = (<usize>i) << 2;
		const c = load<f64>(BEST + (ii << 1)) + (load<i32>(POS + ii) < 63 ? lambda * eob : 0);
		if (c < endCost) {
			endCost = c;
			end = i;
		}
	}
	while (end >= 0) {
		const ii = (<usize>end) << 2;
		const m = load<i32>(MAG + ii) - load<i32>(PICK + ii);
		store<i32>(out + ((<usize>load<i32>(POS + ii)) << 2), load<i32>(NEG + ii) !== 0 ? -m : m);
		end = load<i32>(PREV + ii);
	}
}

/** The tables are made (an encode gone direct): their real code lengths. */
export function trellisFixed(): void {
	for (let t: usize = 0; t < 2; t++) {
		const at = ACLEN + (t << 8);
		const sz = SIZE + ((t * 2 + 1) << 10);
		for (let s: usize = 0; s < 256; s++) store<u8>(at + s, <u8>max(1, load<i32>(sz + (s << 2))));
	}
}
