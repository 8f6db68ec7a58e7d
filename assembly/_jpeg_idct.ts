// Inverse DCTs. At full size: libjpeg's accurate integer IDCT (jidctint.c,
// jpeg_idct_islow) step for step, so output matches djpeg's default exactly.
// Reduced sizes: a separable float IDCT with N-point cosines over the lowest
// N coefficients per axis, f(x) = 1/2 sum_u C(u) A(u) F(u) cos((2x+1)u pi / 2N),
// which keeps the DC level (1x1 is DC/8 + 128) and costs N*N of 64 MACs.
// Blocks whose AC coefficients are all zero (most of a photo's chroma) skip
// the transform and fill one value.

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

let cosTab: usize = 0; // f32 [N-1][x][u], 8 x 8 per N

let cosT: usize = 0; // the same, transposed: [N-1][u][x], so one v128 holds four x
export const IDCT_BYTES: usize = 8 * 64 * 4 * 2 + 64 * 4 + 64 * 4;
let ws: usize = 0; // i32[64] or f32[64] work space

export function idctInit(area: usize): void {
	cosTab = area;
	cosT = area + 8 * 64 * 4;
	ws = cosT + 8 * 64 * 4;
	for (let n = 1; n <= 8; n++) {
		const t = cosTab + ((<usize>(n - 1)) << 8);
		for (let x = 0; x < 8; x++) {
			for (let u = 0; u < 8; u++) {
				// A(u): the mean of the 8-point basis over the r = 8/n samples one output
				// sample stands for, so the result is the box average of the full decode
				// (minus the frequencies n cannot hold) rather than a sharpened version.
				const r = 8.0 / <f64>n;
				const a = u === 0 ? 1.0 : Math.sin((u * r * Math.PI) / 16) / (r * Math.sin((u * Math.PI) / 16));
				const c = u === 0 ? Math.SQRT1_2 : 1.0;
				const v = x < n && u < n ? 0.5 * c * a * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n)) : 0.0;
				store<f32>(t + ((<usize>(x * 8 + u)) << 2), <f32>v);
				store<f32>(cosT + ((<usize>(n - 1)) << 8) + ((<usize>(u * 8 + x)) << 2), <f32>v);
			}
		}
	}
}

function clampByte(v: i32): u8 {
	return <u8>(v < 0 ? 0 : v > 255 ? 255 : v);
}

/** jpeg_idct_islow: coef and q are i32[64] in natural order; writes 8x8 bytes. */
export function idctIslow(coef: usize, q: usize, out: usize, stride: i32): void {
	for (let i = 0; i < 8; i++) {
		const ip = coef + ((<usize>i) << 2);
		const qp = q + ((<usize>i) << 2);
		const wp = ws + ((<usize>i) << 2);
		const c1 = load<i32>(ip, 32);
		const c2 = load<i32>(ip, 64);
		const c3 = load<i32>(ip, 96);
		const c4 = load<i32>(ip, 128);
		const c5 = load<i32>(ip, 160);
		const c6 = load<i32>(ip, 192);
		const c7 = load<i32>(ip, 224);
		if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) === 0) {
			const dc = (load<i32>(ip) * load<i32>(qp)) << PASS1_BITS;
			for (let k: usize = 0; k < 8; k++) store<i32>(wp + (k << 5), dc);
			continue;
		}
		let z2 = c2 * load<i32>(qp, 64);
		let z3 = c6 * load<i32>(qp, 192);
		let z1 = (z2 + z3) * FIX_0_541196100;
		let tmp2 = z1 + z3 * -FIX_1_847759065;
		let tmp3 = z1 + z2 * FIX_0_765366865;
		z2 = load<i32>(ip) * load<i32>(qp);
		z3 = c4 * load<i32>(qp, 128);
		let tmp0 = (z2 + z3) << CONST_BITS;
		let tmp1 = (z2 - z3) << CONST_BITS;
		const tmp10 = tmp0 + tmp3;
		const tmp13 = tmp0 - tmp3;
		const tmp11 = tmp1 + tmp2;
		const tmp12 = tmp1 - tmp2;
		tmp0 = c7 * load<i32>(qp, 224);
		tmp1 = c5 * load<i32>(qp, 160);
		tmp2 = c3 * load<i32>(qp, 96);
		tmp3 = c1 * load<i32>(qp, 32);
		z1 = tmp0 + tmp3;
		z2 = tmp1 + tmp2;
		z3 = tmp0 + tmp2;
		let z4 = tmp1 + tmp3;
		const z5 = (z3 + z4) * FIX_1_175875602;
		tmp0 *= FIX_0_298631336;
		tmp1 *= FIX_2_053119869;
		tmp2 *= FIX_3_072711026;
		tmp3 *= FIX_1_501321110;
		z1 *= -FIX_0_899976223;
		z2 *= -FIX_2_562915447;
		z3 = z3 * -FIX_1_961570560 + z5;
		z4 = z4 * -FIX_0_390180644 + z5;
		tmp0 += z1 + z3;
		tmp1 += z2 + z4;
		tmp2 += z2 + z3;
		tmp3 += z1 + z4;
		const sh = CONST_BITS - PASS1_BITS;
		const rnd = 1 << (sh - 1);
		store<i32>(wp, (tmp10 + tmp3 + rnd) >> sh);
		store<i32>(wp, (tmp10 - tmp3 + rnd) >> sh, 224);
		store<i32>(wp, (tmp11 + tmp2 + rnd) >> sh, 32);
		store<i32>(wp, (tmp11 - tmp2 + rnd) >> sh, 192);
		store<i32>(wp, (tmp12 + tmp1 + rnd) >> sh, 64);
		store<i32>(wp, (tmp12 - tmp1 + rnd) >> sh, 160);
		store<i32>(wp, (tmp13 + tmp0 + rnd) >> sh, 96);
		store<i32>(wp, (tmp13 - tmp0 + rnd) >> sh, 128);
	}
	const sh = CONST_BITS + PASS1_BITS + 3;
	const rnd = 1 << (sh - 1);
	for (let r = 0; r < 8; r++) {
		const wp = ws + ((<usize>r) << 5);
		const op = out + <usize>(r * stride);
		const w1 = load<i32>(wp, 4);
		const w2 = load<i32>(wp, 8);
		const w3 = load<i32>(wp, 12);
		const w4 = load<i32>(wp, 16);
		const w5 = load<i32>(wp, 20);
		const w6 = load<i32>(wp, 24);
		const w7 = load<i32>(wp, 28);
		if ((w1 | w2 | w3 | w4 | w5 | w6 | w7) === 0) {
			const v = clampByte(((load<i32>(wp) + 16) >> 5) + 128);
			const v4 = <u32>v * 0x01010101;
			store<u32>(op, v4);
			store<u32>(op, v4, 4);
			continue;
		}
		let z2 = w2;
		let z3 = w6;
		let z1 = (z2 + z3) * FIX_0_541196100;
		let tmp2 = z1 + z3 * -FIX_1_847759065;
		let tmp3 = z1 + z2 * FIX_0_765366865;
		let tmp0 = (load<i32>(wp) + w4) << CONST_BITS;
		let tmp1 = (load<i32>(wp) - w4) << CONST_BITS;
		const tmp10 = tmp0 + tmp3;
		const tmp13 = tmp0 - tmp3;
		const tmp11 = tmp1 + tmp2;
		const tmp12 = tmp1 - tmp2;
		tmp0 = w7;
		tmp1 = w5;
		tmp2 = w3;
		tmp3 = w1;
		z1 = tmp0 + tmp3;
		z2 = tmp1 + tmp2;
		z3 = tmp0 + tmp2;
		let z4 = tmp1 + tmp3;
		const z5 = (z3 + z4) * FIX_1_175875602;
		tmp0 *= FIX_0_298631336;
		tmp1 *= FIX_2_053119869;
		tmp2 *= FIX_3_072711026;
		tmp3 *= FIX_1_501321110;
		z1 *= -FIX_0_899976223;
		z2 *= -FIX_2_562915447;
		z3 = z3 * -FIX_1_961570560 + z5;
		z4 = z4 * -FIX_0_390180644 + z5;
		tmp0 += z1 + z3;
		tmp1 += z2 + z4;
		tmp2 += z2 + z3;
		tmp3 += z1 + z4;
		store<u8>(op, clampByte(((tmp10 + tmp3 + rnd) >> sh) + 128));
		store<u8>(op, clampByte(((tmp10 - tmp3 + rnd) >> sh) + 128), 7);
		store<u8>(op, clampByte(((tmp11 + tmp2 + rnd) >> sh) + 128), 1);
		store<u8>(op, clampByte(((tmp11 - tmp2 + rnd) >> sh) + 128), 6);
		store<u8>(op, clampByte(((tmp12 + tmp1 + rnd) >> sh) + 128), 2);
		store<u8>(op, clampByte(((tmp12 - tmp1 + rnd) >> sh) + 128), 5);
		store<u8>(op, clampByte(((tmp13 + tmp0 + rnd) >> sh) + 128), 3);
		store<u8>(op, clampByte(((tmp13 - tmp0 + rnd) >> sh) + 128), 4);
	}
}

/** Reduced IDCT to nh x nv samples (1..8 each) from the lowest coefficients.
 * Four output columns per f32x4: a row pass as sums of scaled cosine
 * columns, then a column pass as sums of scaled rows. */
export function idctScaled(coef: usize, q: usize, nh: i32, nv: i32, out: usize, stride: i32): void {
	const th = cosT + ((<usize>(nh - 1)) << 8);
	const tv = cosTab + ((<usize>(nv - 1)) << 8);
	const wide = nh > 4;
	for (let v = 0; v < nv; v++) {
		const cp = coef + ((<usize>(v * 8)) << 2);
		const qp = q + ((<usize>(v * 8)) << 2);
		let lo = f32x4.splat(0);
		let hi = f32x4.splat(0);
		for (let u = 0; u < nh; u++) {
			const o = (<usize>u) << 2;
			const f = f32x4.splat(<f32>(load<i32>(cp + o) * load<i32>(qp + o)));
			const t = th + ((<usize>u) << 5);
			lo = f32x4.add(lo, f32x4.mul(f, v128.load(t)));
			if (wide) hi = f32x4.add(hi, f32x4.mul(f, v128.load(t, 16)));
		}
		const w = ws + ((<usize>v) << 5);
		v128.store(w, lo);
		v128.store(w, hi, 16);
	}
	for (let y = 0; y < nv; y++) {
		const tp = tv + ((<usize>(y * 8)) << 2);
		let lo = f32x4.splat(128.5);
		let hi = lo;
		for (let v = 0; v < nv; v++) {
			const c = f32x4.splat(load<f32>(tp + ((<usize>v) << 2)));
			const w = ws + ((<usize>v) << 5);
			lo = f32x4.add(lo, f32x4.mul(c, v128.load(w)));
			if (wide) hi = f32x4.add(hi, f32x4.mul(c, v128.load(w, 16)));
		}
		const n = i32x4.trunc_sat_f32x4_s(f32x4.floor(lo));
		const m = i32x4.trunc_sat_f32x4_s(f32x4.floor(hi));
		const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(n, m), i16x8.splat(0));
		const op = out + <usize>(y * stride);
		if (nh === 4) store<u32>(op, i32x4.extract_lane(b, 0));
		else if (nh === 2) store<u16>(op, <u16>i32x4.extract_lane(b, 0));
		else if (nh === 8) store<u64>(op, i64x2.extract_lane(b, 0));
		else {
			const tmp = ws + 256;
			v128.store(tmp, b);
			for (let x = 0; x < nh; x++) store<u8>(op + <usize>x, load<u8>(tmp + <usize>x));
		}
	}
}

/** Fills an nh x nv block with the level of a block that has only DC. */
export function idctDcOnly(dc: i32, exact: bool, nh: i32, nv: i32, out: usize, stride: i32): void {
	const v = exact
		? clampByte((((dc << PASS1_BITS) + 16) >> 5) + 128)
		: clampByte(<i32>Mathf.floor(<f32>dc * 0.125 + 128.5));
	for (let y = 0; y < nv; y++) memory.fill(out + <usize>(y * stride), v, <usize>nh);
}
