// x operand of the int8 convolutions' GEMM (_infer_q8_gemm.ts), packed once
// per chunk of pixels and read by every block of output channels. The GEMM's
// relaxed 8-bit dot needs its second operand below 128 to be exact
// everywhere, so an 8-bit code x is first taken less its row's smallest code
// in the chunk (c), and the rest r = x - c split as (r & 127) + 128 * (r >> 7):
// - low panels: 8 pixels x K4 quads, each quad 8 x [k0..k3] of the low 7 bits
//   (32 bytes; a 7-bit code is stored as it is);
// - for 8-bit codes, high panels of the same layout holding 1 where the code
//   is 128 or more (the GEMM takes their dot times 128), and per panel the
//   list of its quad blocks whose halves (4 pixels x 4 codes) hold one: on a
//   recogniser line 0.4-28 % of the halves would have one without the row
//   offsets, 0-3.3 % with them, so the GEMM visits only those few blocks
//   (a u16 count, then one u16 per block: index, bit 14 for pixels 0-3,
//   bit 15 for 4-7);
// - for 8-bit codes, the row offsets c (one byte per k), from which the GEMM
//   adds sum_k c[k] * w[co][k] back per channel.

/** Bytes of one set of panels of a K x P operand. */
export function panelBytes(k: i32, p: i32): i32 {
	return ((p + 7) >> 3) * ((k + 3) >> 2) * 32;
}

/** Bytes of one panel's list of flagged quad blocks: a count and at most one entry per block. */
export function listBytes(k: i32): i32 {
	return (((k + 3) >> 2) + 1) << 1;
}

function listsBytes(k: i32, p: i32): i32 {
	return (((p + 7) >> 3) * listBytes(k) + 15) & ~15;
}

/** Bytes of the row offsets (one per k, rounded up to 16). */
function offsetBytes(k: i32): i32 {
	return (((k + 3) & ~3) + 15) & ~15;
}

/** Where the row offsets of an 8-bit operand start, from its start. */
export function offsetsAt(k: i32, p: i32): i32 {
	return 2 * panelBytes(k, p) + listsBytes(k, p);
}

/** Bytes of the whole operand: low panels, and for 8-bit codes high panels, their lists and row offsets. */
export function operandBytes(k: i32, p: i32, bits: i32): i32 {
	const b = panelBytes(k, p);
	return bits === 7 ? b : offsetsAt(k, p) + offsetBytes(k);
}

/**
 * The smallest code of each of rows 0..k over its p values into off (rows up
 * to k rounded to 4 are 0).
 */
function rowMinima(src: usize, rs: usize, k: i32, p: i32, off: usize): void {
	memory.fill(off, 0, <usize>offsetBytes(k));
	for (let t = 0; t < k; t++) {
		const row = src + <usize>t * rs;
		let m = i8x16.splat(-1);
		let j = 0;
		for (; j + 16 <= p; j += 16) m = i8x16.min_u(m, v128.load(row + <usize>j));
		let lo: u32 = 255;
		for (; j < p; j++) lo = min(lo, <u32>load<u8>(row + <usize>j));
		// The 16 lanes folded: halves, then quarters, ..., each min_u.
		m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
		m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3));
		m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1));
		m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0));
		store<u8>(off + <usize>t, <u8>min(lo, <u32>i8x16.extract_lane_u(m, 0)));
	}
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Split {
	/**
	 * Block i of a panel (v0: pixels 0-3, v1: 4-7, a quad of codes each) less
	 * its rows' offsets c4: the low 7 bits into the low panel, the top bit
	 * into the high panel, and the block onto the panel's list when a half has
	 * one. Returns the list's new length.
	 */
	@inline
	static store(v0: v128, v1: v128, c4: v128, lo: usize, hi: usize, list: usize, i: i32, flagged: u32): u32 {
		// Less the row's smallest code: the sum is restored per channel in the GEMM, and
		// far fewer codes stay at 128 or more (none where a row spans under 128 codes).
		const r0 = i8x16.sub(v0, c4);
		const r1 = i8x16.sub(v1, c4);
		const low7 = i8x16.splat(127);
		v128.store(lo, v128.and(r0, low7));
		v128.store(lo, v128.and(r1, low7), 16);
		// The top bit, as 0 or 1.
		const h0 = i8x16.shr_u(r0, 7);
		const h1 = i8x16.shr_u(r1, 7);
		v128.store(hi, h0);
		v128.store(hi, h1, 16);
		// Bit 14: a high code among pixels 0-3, bit 15: among 4-7, so the GEMM pays
		// the high part only for the half that has one.
		const f = <u32>v128.any_true(h0) | ((<u32>v128.any_true(h1)) << 1);
		if (f === 0) return flagged;
		store<u16>(list + ((<usize>(flagged + 1)) << 1), <u16>(<u32>i | (f << 14)));
		return flagged + 1;
	}
}

/**
 * Rows 0..k of `src` (u8 codes, `rs` bytes apart, p values each) into the
 * operand at `dst`; pixels past p and rows past k are code 0 (their weights
 * are 0 too).
 */
export function packPanels(src: usize, rs: usize, k: i32, p: i32, dst: usize, bits: i32): void {
	const k4 = (k + 3) >> 2;
	const npan = (p + 7) >> 3;
	const split = bits === 8;
	let lo = dst;
	let hi = dst + <usize>panelBytes(k, p);
	let list = hi + <usize>panelBytes(k, p);
	const lbytes = <usize>listBytes(k);
	const offs = dst + <usize>offsetsAt(k, p);
	if (split) rowMinima(src, rs, k, p, offs);
	for (let pan = 0; pan < npan; pan++) {
		const p0 = pan << 3;
		const n = min(8, p - p0);
		let ra = src + <usize>p0;
		let flagged: u32 = 0;
		for (let i = 0; i < k4; i++) {
			const rows = min(4, k - (i << 2));
			// The block's 4 row offsets in every pixel's quad (0 for 7-bit codes).
			const c4 = split ? v128.load32_splat(offs + ((<usize>i) << 2)) : i8x16.splat(0);
			let v0: v128;
			let v1: v128;
			if (n === 8 && rows === 4) {
				const a = v128.load64_lane(ra + rs, v128.load64_zero(ra), 1);
				const b = v128.load64_lane(ra + 3 * rs, v128.load64_zero(ra + 2 * rs), 1);
				v0 = v128.shuffle<u8>(a, b, 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
				v1 = v128.shuffle<u8>(a, b, 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
			} else {
				// Edge blocks through a copy in the low panel itself, filled with the offsets so
				// that missing pixels come out as 0 (rows past k have offset 0).
				v128.store(lo, c4);
				v128.store(lo, c4, 16);
				for (let l = 0; l < n; l++) {
					for (let t = 0; t < rows; t++) store<u8>(lo + <usize>((l << 2) + t), load<u8>(ra + <usize>t * rs + <usize>l));
				}
				v0 = v128.load(lo);
				v1 = v128.load(lo, 16);
			}
			if (split) {
				flagged = Split.store(v0, v1, c4, lo, hi, list, i, flagged);
			} else {
				v128.store(lo, v0);
				v128.store(lo, v1, 16);
			}
			ra += rs << 2;
			lo += 32;
			hi += 32;
		}
		if (split) store<u16>(list, <u16>flagged);
		list += lbytes;
	}
}

/** The smallest of each code t < k over pixels 0..p (`ps` bytes apart, codes adjacent) into off. */
function columnMinima(src: usize, ps: usize, k: i32, p: i32, off: usize): void {
	memory.fill(off, 0, <usize>offsetBytes(k));
	let t = 0;
	for (; t + 16 <= k; t += 16) {
		let m = i8x16.splat(-1);
		for (let l = 0; l < p; l++) m = i8x16.min_u(m, v128.load(src + <usize>l * ps + <usize>t));
		v128.store(off + <usize>t, m);
	}
	for (; t < k; t++) {
		let m: u32 = 255;
		for (let l = 0; l < p; l++) m = min(m, <u32>load<u8>(src + <usize>l * ps + <usize>t));
		store<u8>(off + <usize>t, <u8>m);
	}
}

/** Up to 4 pixels' quads (`ps` bytes apart) in the lanes of `fill`. */
function quads(q: usize, ps: usize, n: i32, fill: v128): v128 {
	let v = fill;
	if (n > 0) v = v128.load32_lane(q, v, 0);
	if (n > 1) v = v128.load32_lane(q + ps, v, 1);
	if (n > 2) v = v128.load32_lane(q + 2 * ps, v, 2);
	if (n > 3) v = v128.load32_lane(q + 3 * ps, v, 3);
	return v;
}

/**
 * The 8-bit operand, as packPanels makes it, of codes laid out a pixel at a
 * time: pixel l's k codes at src + l * ps (a row of an 8-bit GEMM's input).
 */
export function packPixels(src: usize, ps: usize, k: i32, p: i32, dst: usize): void {
	const k4 = (k + 3) >> 2;
	const npan = (p + 7) >> 3;
	let lo = dst;
	let hi = dst + <usize>panelBytes(k, p);
	let list = hi + <usize>panelBytes(k, p);
	const lbytes = <usize>listBytes(k);
	const offs = dst + <usize>offsetsAt(k, p);
	columnMinima(src, ps, k, p, offs);
	for (let pan = 0; pan < npan; pan++) {
		const p0 = pan << 3;
		const n = min(8, p - p0);
		let flagged: u32 = 0;
		for (let i = 0; i < k4; i++) {
			const c4 = v128.load32_splat(offs + ((<usize>i) << 2));
			const q = src + <usize>p0 * ps + ((<usize>i) << 2);
			let v0: v128;
			let v1: v128;
			if ((i << 2) + 4 <= k) {
				// Missing pixels take the offsets, so their rest is 0.
				v0 = quads(q, ps, n, c4);
				v1 = n > 4 ? quads(q + 4 * ps, ps, n - 4, c4) : c4;
			} else {
				// The last block of a k that is not a multiple of 4, through the low panel.
				v128.store(lo, c4);
				v128.store(lo, c4, 16);
				for (let l = 0; l < n; l++)
					for (let t = 0; (i << 2) + t < k; t++)
						store<u8>(lo + <usize>((l << 2) + t), load<u8>(q + <usize>l * ps + <usize>t));
				v0 = v128.load(lo);
				v1 = v128.load(lo, 16);
			}
			flagged = Split.store(v0, v1, c4, lo, hi, list, i, flagged);
			lo += 32;
			hi += 32;
		}
		store<u16>(list, <u16>flagged);
		list += lbytes;
	}
}
