// Forward DCT and quantisation of one 8x8 block for the JPEG encoder:
// libjpeg's accurate integer DCT (jfdctint.c, jpeg_fdct_islow: CONST_BITS 13,
// PASS1_BITS 2, the Loeffler-Ligtenberg-Moschytz factorisation), and
// jcdctmgr.c's quantiser (divisor = 8 * table entry, since the DCT's output
// is 8 times the true coefficient; round half away from zero). Quality
// scaling is IJG's jpeg_quality_scaling with force_baseline (entries 1-255),
// on the Annex K tables. The quantised block is written in zigzag order, the
// order the entropy coder walks it.

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336: i32 = 2446;
const FIX_0_390180644: i32 = 3196;
const FIX_0_541196100: i32 = 4433;
const FIX_0_765366865: i32 = 6270;
const FIX_0_899976223: i32 = 7373;
const FIX_1_175875602: i32 = 9633;
const FIX_1_501321110: i32 = 12299;
const FIX_1_847759065: i32 = 15137;
const FIX_1_961570560: i32 = 16069;
const FIX_2_053119869: i32 = 16819;
const FIX_2_562915447: i32 = 20995;
const FIX_3_072711026: i32 = 25172;

/** Annex K.1 luminance and chrominance tables, natural (row-major) order. */
const BASE_Q = memory.data<u8>([
	16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
	87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
	72, 92, 95, 98, 112, 100, 103, 99, 17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99,
	99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
]);

/** The table MozJPEG scales by default (its quant_table 3, N. Robidoux's
 * for ImageMagick), used for luma and chroma alike: flatter than Annex K at
 * low frequencies, steeper at high ones. Natural order; read from the DQT
 * MozJPEG writes at quality 50, where the scaling leaves entries as they are. */
const FLAT_Q = memory.data<u16>([
	16, 16, 16, 18, 25, 37, 56, 85, 16, 17, 20, 27, 34, 40, 53, 75, 16, 20, 24, 31, 43, 62, 91, 135, 18, 27, 31, 40, 53,
	74, 106, 156, 25, 34, 43, 53, 69, 94, 131, 189, 37, 40, 62, 74, 94, 124, 169, 238, 56, 53, 91, 106, 131, 169, 226,
	311, 85, 75, 135, 156, 189, 238, 311, 418,
]);

/** jpeg_natural_order: the natural index of zigzag position k. */
export const ZIGZAG = memory.data<u8>([
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
	55, 62, 63,
]);

/** The two scaled tables (u8, natural order; luma then chroma), and the
 * quantiser's divisors (i32, zigzag order) for them. */
export const QTABLES = memory.data(128);
export const DIVISORS = memory.data(512, 16);
/** The DCT of the last block (i32, natural order, 8 times the true coefficients). */
export const WS = memory.data(256, 16);

/** Scales the Annex K tables (or, with `flat`, MozJPEG's default table for
 * both) to `quality` (1-100) as jpeg_quality_scaling, entries 1-255 (baseline). */
export function setQuality(quality: i32, flat: bool): void {
	const q = min(max(quality, 1), 100);
	const scale = q < 50 ? 5000 / q : 200 - q * 2;
	for (let i: usize = 0; i < 128; i++) {
		const base = flat ? <i32>load<u16>(FLAT_Q + ((i & 63) << 1)) : <i32>load<u8>(BASE_Q + i);
		const t = min(max((base * scale + 50) / 100, 1), 255);
		store<u8>(QTABLES + i, <u8>t);
	}
	for (let t: usize = 0; t < 2; t++) {
		for (let k: usize = 0; k < 64; k++) {
			const n = <usize>load<u8>(ZIGZAG + k);
			store<i32>(DIVISORS + ((t * 64 + k) << 2), (<i32>load<u8>(QTABLES + t * 64 + n)) << 3);
		}
	}
}

/** The DCT of the 8x8 samples at src (rows `stride` apart), quantised with
 * table t (0 luma, 1 chroma) into 64 i32 at out, zigzag order. */
export function fdctQuant(src: usize, stride: usize, t: usize, out: usize): void {
	fdct(src, stride);
	quantize(t, out);
}

/** The DCT of the 8x8 samples at src into WS. */
export function fdct(src: usize, stride: usize): void {
	// Pass 1: rows, results scaled up by 2^PASS1_BITS.
	for (let r: usize = 0; r < 8; r++) {
		const s = src + r * stride;
		const d0 = <i32>load<u8>(s) - 128;
		const d1 = <i32>load<u8>(s, 1) - 128;
		const d2 = <i32>load<u8>(s, 2) - 128;
		const d3 = <i32>load<u8>(s, 3) - 128;
		const d4 = <i32>load<u8>(s, 4) - 128;
		const d5 = <i32>load<u8>(s, 5) - 128;
		const d6 = <i32>load<u8>(s, 6) - 128;
		const d7 = <i32>load<u8>(s, 7) - 128;
		dct8(d0, d1, d2, d3, d4, d5, d6, d7, WS + (r << 5), 4, true);
	}
	// Pass 2: columns, descaled to 8 times the true coefficients.
	for (let c: usize = 0; c < 8; c++) {
		const s = WS + (c << 2);
		dct8(
			load<i32>(s),
			load<i32>(s, 32),
			load<i32>(s, 64),
			load<i32>(s, 96),
			load<i32>(s, 128),
			load<i32>(s, 160),
			load<i32>(s, 192),
			load<i32>(s, 224),
			s,
			32,
			false,
		);
	}
}

/** WS quantised with table t into 64 i32 at out, zigzag order. */
function quantize(t: usize, out: usize): void {
	const div = DIVISORS + (t << 8);
	for (let k: usize = 0; k < 64; k++) {
		const n = <usize>load<u8>(ZIGZAG + k);
		let v = load<i32>(WS + (n << 2));
		const q = load<i32>(div + (k << 2));
		const half = q >> 1;
		// Round half away from zero; |v| < q/2 quantises to 0.
		if (v < 0) v = -((half - v) / q);
		else v = (v + half) / q;
		store<i32>(out + (k << 2), v);
	}
}

/** One 8-point jpeg_fdct_islow step, outputs to dst + k*step (bytes). */
function dct8(
	d0: i32,
	d1: i32,
	d2: i32,
	d3: i32,
	d4: i32,
	d5: i32,
	d6: i32,
	d7: i32,
	dst: usize,
	step: usize,
	rows: bool,
): void {
	const tmp0 = d0 + d7;
	let tmp7 = d0 - d7;
	const tmp1 = d1 + d6;
	let tmp6 = d1 - d6;
	const tmp2 = d2 + d5;
	let tmp5 = d2 - d5;
	const tmp3 = d3 + d4;
	let tmp4 = d3 - d4;
	const tmp10 = tmp0 + tmp3;
	const tmp13 = tmp0 - tmp3;
	const tmp11 = tmp1 + tmp2;
	const tmp12 = tmp1 - tmp2;
	// Even part: rows keep PASS1_BITS of extra precision, columns remove it.
	const sh = rows ? CONST_BITS - PASS1_BITS : CONST_BITS + PASS1_BITS;
	const rnd = 1 << (sh - 1);
	if (rows) {
		store<i32>(dst, (tmp10 + tmp11) << PASS1_BITS);
		store<i32>(dst + 4 * step, (tmp10 - tmp11) << PASS1_BITS);
	} else {
		store<i32>(dst, (tmp10 + tmp11 + (1 << (PASS1_BITS - 1))) >> PASS1_BITS);
		store<i32>(dst + 4 * step, (tmp10 - tmp11 + (1 << (PASS1_BITS - 1))) >> PASS1_BITS);
	}
	let z1 = (tmp12 + tmp13) * FIX_0_541196100;
	store<i32>(dst + 2 * step, (z1 + tmp13 * FIX_0_765366865 + rnd) >> sh);
	store<i32>(dst + 6 * step, (z1 - tmp12 * FIX_1_847759065 + rnd) >> sh);
	// Odd part.
	z1 = tmp4 + tmp7;
	let z2 = tmp5 + tmp6;
	let z3 = tmp4 + tmp6;
	let z4 = tmp5 + tmp7;
	const z5 = (z3 + z4) * FIX_1_175875602;
	tmp4 *= FIX_0_298631336;
	tmp5 *= FIX_2_053119869;
	tmp6 *= FIX_3_072711026;
	tmp7 *= FIX_1_501321110;
	z1 *= -FIX_0_899976223;
	z2 *= -FIX_2_562915447;
	z3 = z3 * -FIX_1_961570560 + z5;
	z4 = z4 * -FIX_0_390180644 + z5;
	store<i32>(dst + 7 * step, (tmp4 + z1 + z3 + rnd) >> sh);
	store<i32>(dst + 5 * step, (tmp5 + z2 + z4 + rnd) >> sh);
	store<i32>(dst + 3 * step, (tmp6 + z2 + z3 + rnd) >> sh);
	store<i32>(dst + step, (tmp7 + z1 + z4 + rnd) >> sh);
}
