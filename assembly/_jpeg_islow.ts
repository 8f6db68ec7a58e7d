// libjpeg's accurate integer IDCT (jidctint.c, jpeg_idct_islow) on four
// columns or rows at once. Every step is the same i32 arithmetic as the
// scalar original, so the output is bit-exact with djpeg -dct int; libjpeg's
// shortcuts for all-zero AC columns and rows give the same numbers as the
// full computation, so the vector version simply always computes. Pass 1
// runs down the columns, the 8x8 work block is transposed, pass 2 runs down
// what were rows, and the bytes are transposed back while packing.

const CONST_BITS = 13;
const PASS1_BITS = 2;

let ws: usize = 0; // i32[64] after pass 1
let wt: usize = 0; // its transpose
let wo: usize = 0; // pass 2 results, before packing

export const ISLOW_BYTES: usize = 3 * 256;

export function islowInit(area: usize): void {
	ws = area;
	wt = area + 256;
	wo = area + 512;
}

/** One 8-point IDCT on four lanes: inputs at src + k*step (k = 0..7), outputs
 * descaled by `shift` to dst + k*32 (row k of a half block). `bias` is added
 * before the shift (the +128 level shift of pass 2, exact there). */
function idct8(src: usize, q: usize, step: usize, dst: usize, shift: i32, bias: i32): void {
	const mulq = q !== 0;
	let in0 = v128.load(src);
	let in1 = v128.load(src + step);
	let in2 = v128.load(src + step * 2);
	let in3 = v128.load(src + step * 3);
	let in4 = v128.load(src + step * 4);
	let in5 = v128.load(src + step * 5);
	let in6 = v128.load(src + step * 6);
	let in7 = v128.load(src + step * 7);
	if (mulq) {
		in0 = i32x4.mul(in0, v128.load(q));
		in1 = i32x4.mul(in1, v128.load(q + step));
		in2 = i32x4.mul(in2, v128.load(q + step * 2));
		in3 = i32x4.mul(in3, v128.load(q + step * 3));
		in4 = i32x4.mul(in4, v128.load(q + step * 4));
		in5 = i32x4.mul(in5, v128.load(q + step * 5));
		in6 = i32x4.mul(in6, v128.load(q + step * 6));
		in7 = i32x4.mul(in7, v128.load(q + step * 7));
	}
	// Even part.
	let z1 = i32x4.mul(i32x4.add(in2, in6), i32x4.splat(4433));
	let tmp2 = i32x4.add(z1, i32x4.mul(in6, i32x4.splat(-15137)));
	let tmp3 = i32x4.add(z1, i32x4.mul(in2, i32x4.splat(6270)));
	let tmp0 = i32x4.shl(i32x4.add(in0, in4), CONST_BITS);
	let tmp1 = i32x4.shl(i32x4.sub(in0, in4), CONST_BITS);
	const tmp10 = i32x4.add(tmp0, tmp3);
	const tmp13 = i32x4.sub(tmp0, tmp3);
	const tmp11 = i32x4.add(tmp1, tmp2);
	const tmp12 = i32x4.sub(tmp1, tmp2);
	// Odd part.
	z1 = i32x4.add(in7, in1);
	let z2 = i32x4.add(in5, in3);
	let z3 = i32x4.add(in7, in3);
	let z4 = i32x4.add(in5, in1);
	const z5 = i32x4.mul(i32x4.add(z3, z4), i32x4.splat(9633));
	tmp0 = i32x4.mul(in7, i32x4.splat(2446));
	tmp1 = i32x4.mul(in5, i32x4.splat(16819));
	tmp2 = i32x4.mul(in3, i32x4.splat(25172));
	tmp3 = i32x4.mul(in1, i32x4.splat(12299));
	z1 = i32x4.mul(z1, i32x4.splat(-7373));
	z2 = i32x4.mul(z2, i32x4.splat(-20995));
	z3 = i32x4.add(i32x4.mul(z3, i32x4.splat(-16069)), z5);
	z4 = i32x4.add(i32x4.mul(z4, i32x4.splat(-3196)), z5);
	tmp0 = i32x4.add(tmp0, i32x4.add(z1, z3));
	tmp1 = i32x4.add(tmp1, i32x4.add(z2, z4));
	tmp2 = i32x4.add(tmp2, i32x4.add(z2, z3));
	tmp3 = i32x4.add(tmp3, i32x4.add(z1, z4));
	const rnd = i32x4.splat((1 << (shift - 1)) + bias);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.add(tmp10, tmp3), rnd), shift));
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.sub(tmp10, tmp3), rnd), shift), 224);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.add(tmp11, tmp2), rnd), shift), 32);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.sub(tmp11, tmp2), rnd), shift), 192);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.add(tmp12, tmp1), rnd), shift), 64);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.sub(tmp12, tmp1), rnd), shift), 160);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.add(tmp13, tmp0), rnd), shift), 96);
	v128.store(dst, i32x4.shr_s(i32x4.add(i32x4.sub(tmp13, tmp0), rnd), shift), 128);
}

/** Transposes the 4x4 i32 block at src (row stride 32) into dst (row stride 32). */
function transpose4(src: usize, dst: usize): void {
	const a = v128.load(src);
	const b = v128.load(src, 32);
	const c = v128.load(src, 64);
	const d = v128.load(src, 96);
	const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
	const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
	const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
	const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
	v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
	v128.store(dst, i64x2.shuffle(t0, t2, 1, 3), 32);
	v128.store(dst, i64x2.shuffle(t1, t3, 0, 2), 64);
	v128.store(dst, i64x2.shuffle(t1, t3, 1, 3), 96);
}

/** jpeg_idct_islow: coef and q are i32[64] in natural order; writes 8x8 bytes. */
export function idctIslow(coef: usize, q: usize, out: usize, stride: i32): void {
	// Pass 1: columns 0-3 and 4-7, input rows 32 bytes apart.
	idct8(coef, q, 32, ws, CONST_BITS - PASS1_BITS, 0);
	idct8(coef + 16, q + 16, 32, ws + 16, CONST_BITS - PASS1_BITS, 0);
	transpose4(ws, wt);
	transpose4(ws + 16, wt + 128);
	transpose4(ws + 128, wt + 16);
	transpose4(ws + 144, wt + 144);
	// Pass 2: wt row x holds column x of the work block; lanes are its rows.
	const sh = CONST_BITS + PASS1_BITS + 3;
	idct8(wt, 0, 32, wo, sh, 128 << sh);
	idct8(wt + 16, 0, 32, wo + 16, sh, 128 << sh);
	// wo row x = output column x for rows 0-3 (lanes) and 4-7 (second half).
	for (let g: usize = 0; g < 2; g++) {
		const p = wo + (g << 4);
		const a = i16x8.narrow_i32x4_s(v128.load(p), v128.load(p, 32));
		const b = i16x8.narrow_i32x4_s(v128.load(p, 64), v128.load(p, 96));
		const c = i16x8.narrow_i32x4_s(v128.load(p, 128), v128.load(p, 160));
		const d = i16x8.narrow_i32x4_s(v128.load(p, 192), v128.load(p, 224));
		// lo: x 0-3, hi: x 4-7; byte 4*x + r is row r, column x.
		const lo = i8x16.narrow_i16x8_u(a, b);
		const hi = i8x16.narrow_i16x8_u(c, d);
		const r01 = i8x16.shuffle(lo, hi, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
		const r23 = i8x16.shuffle(lo, hi, 2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
		const o = out + <usize>(<i32>(g << 2) * stride);
		const s = <usize>stride;
		store<u64>(o, i64x2.extract_lane(r01, 0));
		store<u64>(o + s, i64x2.extract_lane(r01, 1));
		store<u64>(o + s * 2, i64x2.extract_lane(r23, 0));
		store<u64>(o + s * 3, i64x2.extract_lane(r23, 1));
	}
}
