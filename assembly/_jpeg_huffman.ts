// Huffman tables and symbol decoding. Codes up to 9 bits (nearly every symbol
// of a photo) resolve with one lookup in a 512-entry table indexed by the next
// 9 bits; longer codes walk the canonical max-code list, as libjpeg's slow
// path does. Decoding itself lives with the bit reader (_jpeg_bits.ts), whose
// state it updates.

export const LOOK_BITS: i32 = 9;
// Per table: lookahead u16[512] (len << 8 | symbol, 0 = slow path), maxcode
// i32[18], value offset i32[17], values u8[256], then the "fast" i32[2048]:
// when a code and its magnitude bits together fit in the next 11 bits,
// the coefficient itself (value << 16 | run << 8 | bits), so most
// coefficients of a photo cost one lookup and one shift (DC differences
// too: a DC symbol is a size with run 0).
export const T_MAX: usize = 1024;
export const T_OFF: usize = T_MAX + 72;
export const T_VAL: usize = T_OFF + 68;
export const T_FAST: usize = 1536;
/** Bits the fast table looks at: a code and its magnitude bits up to 11 long. */
export const FAST_BITS: i32 = 11;
export const TABLE_BYTES: usize = 1536 + (4 << FAST_BITS);

/** Builds the table at t from the 16 code-length counts and the symbol values
 * (both u8 arrays). Returns false for an impossible code set. */
export function huffBuild(t: usize, counts: usize, values: usize): bool {
	memory.fill(t, 0, TABLE_BYTES);
	let total = 0;
	for (let l = 1; l <= 16; l++) total += <i32>load<u8>(counts + <usize>(l - 1));
	if (total > 256) return false;
	memory.copy(t + T_VAL, values, <usize>total);
	let code = 0;
	let k = 0;
	for (let l = 1; l <= 16; l++) {
		const n = <i32>load<u8>(counts + <usize>(l - 1));
		store<i32>(t + T_OFF + ((<usize>l) << 2), k - code);
		if (l <= LOOK_BITS) {
			for (let i = 0; i < n; i++) {
				const sym = <i32>load<u8>(t + T_VAL + <usize>(k + i));
				const first = (code + i) << (LOOK_BITS - l);
				const count = 1 << (LOOK_BITS - l);
				for (let j = 0; j < count; j++) store<u16>(t + ((<usize>(first + j)) << 1), <u16>((l << 8) | sym));
			}
		}
		code += n;
		// libjpeg's rule: the codes of one length must stay below all ones.
		if (n > 0 && code >= 1 << l) return false;
		store<i32>(t + T_MAX + ((<usize>l) << 2), n > 0 ? code - 1 : -1);
		k += n;
		code <<= 1;
	}
	store<i32>(t + T_MAX + (17 << 2), i32.MAX_VALUE);
	buildFastAc(t);
	return true;
}

function buildFastAc(t: usize): void {
	for (let i = 0; i < 1 << FAST_BITS; i++) {
		// The symbol whose code starts i: the 9-bit lookahead, else the canonical walk.
		let l = 0;
		let rs = 0;
		const e = <i32>load<u16>(t + ((<usize>(i >> (FAST_BITS - LOOK_BITS))) << 1));
		if (e !== 0) {
			l = e >> 8;
			rs = e & 0xff;
		} else {
			for (let n = LOOK_BITS + 1; n <= FAST_BITS && l === 0; n++) {
				const code = i >> (FAST_BITS - n);
				if (code <= load<i32>(t + T_MAX + ((<usize>n) << 2))) {
					l = n;
					rs = <i32>load<u8>(t + T_VAL + <usize>((code + load<i32>(t + T_OFF + ((<usize>n) << 2))) & 0xff));
				}
			}
		}
		const s = rs & 15;
		if (l === 0 || s === 0 || l + s > FAST_BITS) continue;
		let v = (i >> (FAST_BITS - l - s)) & ((1 << s) - 1);
		if (v < 1 << (s - 1)) v += 1 - (1 << s);
		store<i32>(t + T_FAST + ((<usize>i) << 2), (v << 16) | ((rs >> 4) << 8) | (l + s));
	}
}
