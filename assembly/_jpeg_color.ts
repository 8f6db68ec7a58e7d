// Upsampling and colour conversion, one output row at a time. At full size
// the chroma filters are libjpeg-turbo's "fancy" ones (jdsample.c: triangle
// filters for h2v1, h1v2 and h2v2, with its exact rounding biases and edge
// cases), other ratios replicate, and YCbCr -> RGB is jdcolor.c's fixed point
// (16 fraction bits) computed in SIMD instead of its tables: the same
// integers, eight pixels per step.

import { cget, F_CH, F_CW, F_MODE, F_PLANE, F_RH, F_ROW, F_RPS, F_RV, F_SLOT, F_STRIDE } from "./_jpeg_frame";

export const MODE_DIRECT = 0;
export const MODE_H2V1 = 1;
export const MODE_H1V2 = 2;
export const MODE_H2V2 = 3;
export const MODE_REPL = 4;

export const CS_GRAY = 0;
export const CS_YCC = 1;
export const CS_RGB = 2;
export const CS_CMYK = 3;
export const CS_YCCK = 4;

/** Start of plane row g (component rows, counted over the whole image). */
export function planeRow(c: i32, g: i32): usize {
	const rps = cget(c, F_RPS);
	const slot = (g / rps) % 3;
	return <usize>cget(c, F_PLANE) + <usize>(slot * cget(c, F_SLOT)) + <usize>((g % rps) * cget(c, F_STRIDE));
}

/** Component c's samples for output row ly of MCU row m, at output width n. */
export function componentRow(c: i32, m: i32, ly: i32, n: i32): usize {
	const mode = cget(c, F_MODE);
	const base = m * cget(c, F_RPS);
	if (mode === MODE_DIRECT) return planeRow(c, base + ly);
	const dst = <usize>cget(c, F_ROW);
	const cw = cget(c, F_CW);
	if (mode === MODE_REPL) {
		const src = planeRow(c, base + ly / cget(c, F_RV));
		const rh = cget(c, F_RH);
		if (rh === 1) return src;
		let o = dst;
		const last = (n + rh - 1) / rh;
		for (let x = 0; x < last; x++) {
			const v = load<u8>(src + <usize>x);
			for (let j = 0; j < rh; j++) store<u8>(o + <usize>j, v);
			o += <usize>rh;
		}
		return dst;
	}
	if (mode === MODE_H2V1) {
		h2v1(planeRow(c, base + ly), dst, cw);
		return dst;
	}
	const g = base + (ly >> 1);
	const below = (ly & 1) !== 0;
	const nb = below ? min(g + 1, cget(c, F_CH) - 1) : max(g - 1, 0);
	const p0 = planeRow(c, g);
	const p1 = planeRow(c, nb);
	if (mode === MODE_H1V2) {
		const bias = below ? 2 : 1;
		const three = i16x8.splat(3);
		const b16 = i16x8.splat(<i16>bias);
		let x = 0;
		for (; x + 8 <= cw; x += 8) {
			const o = <usize>x;
			const v = i16x8.add(i16x8.add(i16x8.mul(v128.load8x8_u(p0 + o), three), v128.load8x8_u(p1 + o)), b16);
			const n = i16x8.shr_u(v, 2);
			store<u64>(dst + o, i64x2.extract_lane(i8x16.narrow_i16x8_u(n, n), 0));
		}
		for (; x < cw; x++) {
			const o = <usize>x;
			store<u8>(dst + o, <u8>((<i32>load<u8>(p0 + o) * 3 + <i32>load<u8>(p1 + o) + bias) >> 2));
		}
		return dst;
	}
	h2v2(p0, p1, dst, cw);
	return dst;
}

function h2v1(src: usize, dst: usize, cw: i32): void {
	let v = <i32>load<u8>(src);
	store<u8>(dst, <u8>v);
	store<u8>(dst, <u8>((v * 3 + <i32>load<u8>(src, 1) + 2) >> 2), 1);
	let x = 1;
	const three = i16x8.splat(3);
	for (; x + 8 < cw; x += 8) {
		const s = src + <usize>x;
		const cur3 = i16x8.mul(v128.load8x8_u(s), three);
		const even = i16x8.shr_u(i16x8.add(i16x8.add(cur3, v128.load8x8_u(s - 1)), i16x8.splat(1)), 2);
		const odd = i16x8.shr_u(i16x8.add(i16x8.add(cur3, v128.load8x8_u(s + 1)), i16x8.splat(2)), 2);
		const b = i8x16.narrow_i16x8_u(even, odd);
		v128.store(dst + ((<usize>x) << 1), i8x16.shuffle(b, b, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
	}
	for (; x < cw - 1; x++) {
		const s = src + <usize>x;
		const d = dst + ((<usize>x) << 1);
		v = <i32>load<u8>(s) * 3;
		store<u8>(d, <u8>((v + <i32>load<u8>(s - 1) + 1) >> 2));
		store<u8>(d, <u8>((v + <i32>load<u8>(s, 1) + 2) >> 2), 1);
	}
	const s = src + <usize>(cw - 1);
	const d = dst + ((<usize>(cw - 1)) << 1);
	v = <i32>load<u8>(s);
	store<u8>(d, <u8>((v * 3 + <i32>load<u8>(s - 1) + 1) >> 2));
	store<u8>(d, <u8>v, 1);
}

function h2v2(p0: usize, p1: usize, dst: usize, cw: i32): void {
	let thiscol = <i32>load<u8>(p0) * 3 + <i32>load<u8>(p1);
	let nextcol = <i32>load<u8>(p0, 1) * 3 + <i32>load<u8>(p1, 1);
	store<u8>(dst, <u8>((thiscol * 4 + 8) >> 4));
	store<u8>(dst, <u8>((thiscol * 3 + nextcol + 7) >> 4), 1);
	// Columns 1 .. cw-2 eight at a time: both output pixels of column x from
	// the column sums at x-1, x and x+1 (all inside the real width).
	let x = 1;
	const three = i16x8.splat(3);
	for (; x + 8 < cw; x += 8) {
		const o = <usize>x;
		const prev = i16x8.add(i16x8.mul(v128.load8x8_u(p0 + o - 1), three), v128.load8x8_u(p1 + o - 1));
		const cur3 = i16x8.mul(i16x8.add(i16x8.mul(v128.load8x8_u(p0 + o), three), v128.load8x8_u(p1 + o)), three);
		const next = i16x8.add(i16x8.mul(v128.load8x8_u(p0 + o + 1), three), v128.load8x8_u(p1 + o + 1));
		const even = i16x8.shr_u(i16x8.add(i16x8.add(cur3, prev), i16x8.splat(8)), 4);
		const odd = i16x8.shr_u(i16x8.add(i16x8.add(cur3, next), i16x8.splat(7)), 4);
		const b = i8x16.narrow_i16x8_u(even, odd);
		v128.store(dst + (o << 1), i8x16.shuffle(b, b, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
	}
	let lastcol = <i32>load<u8>(p0 + <usize>(x - 1)) * 3 + <i32>load<u8>(p1 + <usize>(x - 1));
	thiscol = <i32>load<u8>(p0 + <usize>x) * 3 + <i32>load<u8>(p1 + <usize>x);
	for (x = x + 1; x < cw; x++) {
		const o = <usize>x;
		nextcol = <i32>load<u8>(p0 + o) * 3 + <i32>load<u8>(p1 + o);
		const d = dst + ((<usize>(x - 1)) << 1);
		store<u8>(d, <u8>((thiscol * 3 + lastcol + 8) >> 4));
		store<u8>(d, <u8>((thiscol * 3 + nextcol + 7) >> 4), 1);
		lastcol = thiscol;
		thiscol = nextcol;
	}
	const d = dst + ((<usize>(cw - 1)) << 1);
	store<u8>(d, <u8>((thiscol * 3 + lastcol + 8) >> 4));
	store<u8>(d, <u8>((thiscol * 4 + 7) >> 4), 1);
}

/** Interleaves r, g, b, a byte vectors (8 lanes each, as i16x8) into 8 RGBA pixels. */
function store8(out: usize, r: v128, g: v128, b: v128): void {
	const rg = i8x16.narrow_i16x8_u(r, g);
	const ba = i8x16.narrow_i16x8_u(b, i16x8.splat(255));
	v128.store(out, i8x16.shuffle(rg, ba, 0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27));
	v128.store(out, i8x16.shuffle(rg, ba, 4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31), 16);
}

/** jdcolor.c ycc_rgb_convert for 4 lanes: y, cb, cr as i32x4 (cb, cr centred). */
function yccLanes(y: v128, cb: v128, cr: v128, which: i32): v128 {
	const half = i32x4.splat(32768);
	if (which === 0) return i32x4.add(y, i32x4.shr_s(i32x4.add(i32x4.mul(cr, i32x4.splat(91881)), half), 16));
	if (which === 2) return i32x4.add(y, i32x4.shr_s(i32x4.add(i32x4.mul(cb, i32x4.splat(116130)), half), 16));
	const t = i32x4.add(i32x4.add(i32x4.mul(cb, i32x4.splat(-22554)), half), i32x4.mul(cr, i32x4.splat(-46802)));
	return i32x4.add(y, i32x4.shr_s(t, 16));
}

/** Converts n pixels to RGBA at out (writes up to 7 pixels past n). */
export function convertRow(cs: i32, p0: usize, p1: usize, p2: usize, p3: usize, out: usize, n: i32): void {
	if (cs === CS_GRAY) {
		for (let x = 0; x < n; x += 8) {
			const g = v128.load8x8_u(p0 + <usize>x);
			store8(out + ((<usize>x) << 2), g, g, g);
		}
		return;
	}
	if (cs === CS_RGB) {
		for (let x = 0; x < n; x += 8) {
			const o = <usize>x;
			store8(out + (o << 2), v128.load8x8_u(p0 + o), v128.load8x8_u(p1 + o), v128.load8x8_u(p2 + o));
		}
		return;
	}
	const c128 = i16x8.splat(128);
	for (let x = 0; x < n; x += 8) {
		const o = <usize>x;
		const y = v128.load8x8_u(p0 + o);
		const cb = i16x8.sub(v128.load8x8_u(p1 + o), c128);
		const cr = i16x8.sub(v128.load8x8_u(p2 + o), c128);
		const yl = i32x4.extend_low_i16x8_s(y);
		const yh = i32x4.extend_high_i16x8_s(y);
		const bl = i32x4.extend_low_i16x8_s(cb);
		const bh = i32x4.extend_high_i16x8_s(cb);
		const rl = i32x4.extend_low_i16x8_s(cr);
		const rh = i32x4.extend_high_i16x8_s(cr);
		const r = i16x8.narrow_i32x4_s(yccLanes(yl, bl, rl, 0), yccLanes(yh, bh, rh, 0));
		const g = i16x8.narrow_i32x4_s(yccLanes(yl, bl, rl, 1), yccLanes(yh, bh, rh, 1));
		const b = i16x8.narrow_i32x4_s(yccLanes(yl, bl, rl, 2), yccLanes(yh, bh, rh, 2));
		store8(out + (o << 2), r, g, b);
	}
	if (cs === CS_YCC) return;
	// CMYK as Adobe stores it (inverted): R = C * K / 255, rounded. YCCK was
	// first turned into RGB above, which is 255 - C (jdcolor.c ycck_cmyk_convert).
	const ycck = cs === CS_YCCK;
	for (let x = 0; x < n; x++) {
		const o = <usize>x;
		const q = out + (o << 2);
		const k = <i32>load<u8>(p3 + o);
		for (let j: usize = 0; j < 3; j++) {
			const v = ycck ? 255 - <i32>load<u8>(q + j) : <i32>load<u8>((j === 0 ? p0 : j === 1 ? p1 : p2) + o);
			const t = v * k + 128;
			store<u8>(q + j, <u8>((t + (t >> 8)) >> 8));
		}
	}
}
