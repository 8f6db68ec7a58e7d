// Inverse DCTs. At full size: libjpeg's accurate integer IDCT, in
// _jpeg_islow.ts (its work space lives in this module's area). Reduced
// sizes: a separable float IDCT with N-point cosines over the lowest N
// coefficients per axis, f(x) = 1/2 sum_u C(u) A(u) F(u) cos((2x+1)u pi / 2N),
// where A(u) makes each output sample the box average of the r = 8/N full
// size samples it replaces; it keeps the DC level (1x1 is DC/8 + 128) and
// costs a few f32x4 operations per row. Blocks whose AC coefficients are all
// zero (most of a photo's chroma) skip the transform and fill one value.

import { ISLOW_BYTES, islowInit } from "./_jpeg_islow";

const PASS1_BITS = 2;

let cosTab: usize = 0; // f32 [N-1][x][u], 8 x 8 per N

let cosT: usize = 0; // the same, transposed: [N-1][u][x], so one v128 holds four x
export const IDCT_BYTES: usize = 8 * 64 * 4 * 2 + 64 * 4 + 64 * 4 + ISLOW_BYTES;
let ws: usize = 0; // i32[64] or f32[64] work space

export function idctInit(area: usize): void {
	cosTab = area;
	cosT = area + 8 * 64 * 4;
	ws = cosT + 8 * 64 * 4;
	islowInit(ws + 512);
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

/** Reduced IDCT to nh x nv samples (1..8 each) from the lowest coefficients.
 * Four output columns per f32x4: a row pass as sums of scaled cosine
 * columns, then a column pass as sums of scaled rows. */
export function idctScaled(coef: usize, q: usize, nh: i32, nv: i32, out: usize, stride: i32): void {
	const th = cosT + ((<usize>(nh - 1)) << 8);
	const tv = cosTab + ((<usize>(nv - 1)) << 8);
	const wide = nh > 4;
	if (!wide) {
		// Up to four columns: the four cosine columns stay in registers, a
		// coefficient row is dequantised as one vector (table zeros drop u >= nh).
		const c0 = v128.load(th);
		const c1 = v128.load(th, 32);
		const c2 = v128.load(th, 64);
		const c3 = v128.load(th, 96);
		for (let v = 0; v < nv; v++) {
			const o = (<usize>(v * 8)) << 2;
			const f = f32x4.convert_i32x4_s(i32x4.mul(v128.load(coef + o), v128.load(q + o)));
			let lo = f32x4.mul(i32x4.shuffle(f, f, 0, 0, 0, 0), c0);
			lo = f32x4.add(lo, f32x4.mul(i32x4.shuffle(f, f, 1, 1, 1, 1), c1));
			lo = f32x4.add(lo, f32x4.mul(i32x4.shuffle(f, f, 2, 2, 2, 2), c2));
			lo = f32x4.add(lo, f32x4.mul(i32x4.shuffle(f, f, 3, 3, 3, 3), c3));
			v128.store(ws + ((<usize>v) << 5), lo);
		}
	}
	for (let v = 0; v < nv && wide; v++) {
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
