// x operand of the int8 convolutions' GEMM (_infer_q8_gemm.ts), packed once
// per chunk of pixels and read by every block of output channels. The GEMM's
// relaxed 8-bit dot needs its second operand below 128 to be exact
// everywhere, so an 8-bit code x is first taken less its row's smallest code
// in the chunk (c), and the rest r = x - c split as (r & 127) + 128 * (r >> 7):
// - low panels: 8 pixels x K4 quads, each quad 8 x [k0..k3] of the low 7 bits
//   (32 bytes; a 7-bit code is stored as it is);
// - for 8-bit codes, high panels of the same layout holding 1 where the code
//   is 128 or more (the GEMM takes their dot times 128), and one flag byte
//   per quad block with a bit for each half (4 pixels x 4 codes) holding one:
//   on a recogniser line 0.4-28 % of the halves would have one without the
//   row offsets, 0-3.3 % with them, so the GEMM mostly skips them;
// - for 8-bit codes, the row offsets c (one byte per k), from which the GEMM
//   adds sum_k c[k] * w[co][k] back per channel.

/** Bytes of one set of panels of a K x P operand. */
export function panelBytes(k: i32, p: i32): i32 {
	return ((p + 7) >> 3) * ((k + 3) >> 2) * 32;
}

// The GEMM reads flags 16 at a time from any block, so 16 bytes past the last are kept readable.
function flagBytes(k: i32, p: i32): i32 {
	return ((((p + 7) >> 3) * ((k + 3) >> 2) + 15) & ~15) + 16;
}

/** Bytes of the row offsets (one per k, rounded up to 16). */
function offsetBytes(k: i32): i32 {
	return (((k + 3) & ~3) + 15) & ~15;
}

/** Where the row offsets of an 8-bit operand start, from its start. */
export function offsetsAt(k: i32, p: i32): i32 {
	return 2 * panelBytes(k, p) + flagBytes(k, p);
}

/** Bytes of the whole operand: low panels, and for 8-bit codes high panels, flags and row offsets. */
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

/**
 * Rows 0..k of `src` (u8 codes, `rs` bytes apart, p values each) into the
 * operand at `dst`; pixels past p and rows past k are code 0 (their weights
 * are 0 too).
 */
export function packPanels(src: usize, rs: usize, k: i32, p: i32, dst: usize, bits: i32): void {
	const k4 = (k + 3) >> 2;
	const npan = (p + 7) >> 3;
	const split = bits === 8;
	const low7 = i8x16.splat(127);
	let lo = dst;
	let hi = dst + <usize>panelBytes(k, p);
	let flag = hi + <usize>panelBytes(k, p);
	const offs = dst + <usize>offsetsAt(k, p);
	if (split) rowMinima(src, rs, k, p, offs);
	for (let pan = 0; pan < npan; pan++) {
		const p0 = pan << 3;
		const n = min(8, p - p0);
		let ra = src + <usize>p0;
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
				// Less the row's smallest code: the sum is restored per channel in the GEMM, and
				// far fewer codes stay at 128 or more (none where a row spans under 128 codes).
				v0 = i8x16.sub(v0, c4);
				v1 = i8x16.sub(v1, c4);
				v128.store(lo, v128.and(v0, low7));
				v128.store(lo, v128.and(v1, low7), 16);
				// The top bit, as 0 or 1.
				const h0 = i8x16.shr_u(v0, 7);
				const h1 = i8x16.shr_u(v1, 7);
				v128.store(hi, h0);
				v128.store(hi, h1, 16);
				// Bit 0: a high code among pixels 0-3, bit 1: among 4-7, so the GEMM pays
				// the high part only for the half that has one.
				store<u8>(flag, <u8>v128.any_true(h0) | ((<u8>v128.any_true(h1)) << 1));
			} else {
				v128.store(lo, v0);
				v128.store(lo, v1, 16);
			}
			ra += rs << 2;
			lo += 32;
			hi += 32;
			flag++;
		}
	}
}
