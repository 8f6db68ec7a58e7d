// x operand of the int8 convolutions' GEMM (_infer_q8_gemm.ts), packed once
// per chunk of pixels and read by every block of output channels. The GEMM's
// relaxed 8-bit dot needs its second operand below 128 to be exact
// everywhere, so an 8-bit code x is split as (x & 127) + 128 * (x >> 7):
// - low panels: 8 pixels x K4 quads, each quad 8 x [k0..k3] of the low 7 bits
//   (32 bytes; a 7-bit code is stored as it is);
// - for 8-bit codes, high panels of the same layout holding 1 where the code
//   is 128 or more (the GEMM takes their dot times 128), and one flag byte
//   per quad block with a bit for each half (4 pixels x 4 codes) holding one:
//   in the recogniser 3-39 % of the blocks have one past its first conv
//   (0.2-5.8 % of the codes), so the GEMM mostly skips them.

/** Bytes of one set of panels of a K x P operand. */
export function panelBytes(k: i32, p: i32): i32 {
	return ((p + 7) >> 3) * ((k + 3) >> 2) * 32;
}

// The GEMM reads flags 16 at a time from any block, so 16 bytes past the last are kept readable.
function flagBytes(k: i32, p: i32): i32 {
	return ((((p + 7) >> 3) * ((k + 3) >> 2) + 15) & ~15) + 16;
}

/** Bytes of the whole operand: low panels, and for 8-bit codes high panels and flags. */
export function operandBytes(k: i32, p: i32, bits: i32): i32 {
	const b = panelBytes(k, p);
	return bits === 7 ? b : 2 * b + flagBytes(k, p);
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
	for (let pan = 0; pan < npan; pan++) {
		const p0 = pan << 3;
		const n = min(8, p - p0);
		let ra = src + <usize>p0;
		for (let i = 0; i < k4; i++) {
			const rows = min(4, k - (i << 2));
			let v0: v128;
			let v1: v128;
			if (n === 8 && rows === 4) {
				const a = v128.load64_lane(ra + rs, v128.load64_zero(ra), 1);
				const b = v128.load64_lane(ra + 3 * rs, v128.load64_zero(ra + 2 * rs), 1);
				v0 = v128.shuffle<u8>(a, b, 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
				v1 = v128.shuffle<u8>(a, b, 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31);
			} else {
				// Edge blocks through a zeroed copy in the low panel itself.
				v128.store(lo, i8x16.splat(0));
				v128.store(lo, i8x16.splat(0), 16);
				for (let l = 0; l < n; l++) {
					for (let t = 0; t < rows; t++) store<u8>(lo + <usize>((l << 2) + t), load<u8>(ra + <usize>t * rs + <usize>l));
				}
				v0 = v128.load(lo);
				v1 = v128.load(lo, 16);
			}
			if (split) {
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
