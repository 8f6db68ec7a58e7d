// PNG scanline filters, both ways. Rows live at `p` with 16 zero bytes before
// them (the left neighbours of the first pixel) and 32 bytes of slack after
// (SIMD blocks and 4-byte pixel stores may run past the row's end).

/** Zero bytes before a row: the left neighbours of its first pixel (8 at most). */
export const PAD: usize = 16;
/** Bytes after a row that SIMD blocks and 4-byte stores may write or read. */
export const SLACK: usize = 32;

function paeth(a: i32, b: i32, c: i32): i32 {
	const pa = abs(b - c);
	const pb = abs(a - c);
	const pc = abs(a + b - c - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes filter `kind` (1-4) on `n` bytes at `cur`, `prev` being the row above
 * (already unfiltered; zeros for a pass's first row). `bpp` is bytes a pixel, at least 1. */
export function unfilter(kind: i32, cur: usize, prev: usize, n: usize, bpp: usize): void {
	if (kind === 2) {
		for (let i: usize = 0; i < n; i += 16) v128.store(cur + i, i8x16.add(v128.load(cur + i), v128.load(prev + i)));
		return;
	}
	if (bpp === 4 || bpp === 3) {
		// One pixel's channels side by side in a vector. Each pixel's raw bytes are
		// loaded before the previous pixel is stored: a load that overlaps a
		// just-stored word would wait for the store (no forwarding). With 3-byte
		// pixels the fourth lane is junk, stored over the next pixel's first byte,
		// which was already loaded and which that pixel's own store then rewrites
		// (the last one lands in the row's slack).
		if (kind === 1) {
			let a = i32x4.splat(0);
			let x = v128.load32_zero(cur);
			for (let i: usize = 0; i < n; i += bpp) {
				const next = v128.load32_zero(cur + i + bpp);
				a = i8x16.add(x, a);
				v128.store32_lane(cur + i, a, 0);
				x = next;
			}
		} else if (kind === 3) {
			let a = i32x4.splat(0);
			const one = i8x16.splat(1);
			let x = v128.load32_zero(cur);
			for (let i: usize = 0; i < n; i += bpp) {
				const next = v128.load32_zero(cur + i + bpp);
				const b = v128.load32_zero(prev + i);
				const avg = i8x16.sub(i8x16.avgr_u(a, b), v128.and(v128.xor(a, b), one));
				a = i8x16.add(x, avg);
				v128.store32_lane(cur + i, a, 0);
				x = next;
			}
		} else if (kind === 4) {
			paethPixels(cur, prev, n, bpp);
		}
		return;
	}
	if (kind === 1) {
		for (let i: usize = bpp; i < n; i++) store<u8>(cur + i, load<u8>(cur + i) + load<u8>(cur + i - bpp));
	} else if (kind === 3) {
		for (let i: usize = 0; i < n; i++) {
			const s = (<u32>load<u8>(cur + i - bpp) + <u32>load<u8>(prev + i)) >> 1;
			store<u8>(cur + i, load<u8>(cur + i) + <u8>s);
		}
	} else if (kind === 4) {
		for (let i: usize = 0; i < n; i++) {
			const p = paeth(load<u8>(cur + i - bpp), load<u8>(prev + i), load<u8>(prev + i - bpp));
			store<u8>(cur + i, load<u8>(cur + i) + <u8>p);
		}
	}
}

/** Paeth for 3- and 4-byte pixels: one pixel's channels side by side in 16-bit lanes. */
function paethPixels(cur: usize, prev: usize, n: usize, bpp: usize): void {
	let a = i16x8.splat(0);
	let c = i16x8.splat(0);
	let x = v128.load32_zero(cur);
	for (let i: usize = 0; i < n; i += bpp) {
		const next = v128.load32_zero(cur + i + bpp);
		const b = i16x8.extend_low_i8x16_u(v128.load32_zero(prev + i));
		// Off the a -> a chain: everything of b and c, and the raw bytes widened.
		const bc = i16x8.sub(b, c);
		const pa = i16x8.abs(bc);
		const x16 = i16x8.extend_low_i8x16_u(x);
		const ac = i16x8.sub(a, c);
		const pb = i16x8.abs(ac);
		const pc = i16x8.abs(i16x8.add(bc, ac));
		const useA = i16x8.le_s(pa, i16x8.min_s(pb, pc));
		const pred = v128.bitselect(a, v128.bitselect(b, c, i16x8.le_s(pb, pc)), useA);
		// 16-bit lanes kept at 0-255.
		const r = v128.and(i16x8.add(x16, pred), i16x8.splat(0xff));
		v128.store32_lane(cur + i, i8x16.narrow_i16x8_u(r, r), 0);
		a = r;
		c = b;
		x = next;
	}
}

function absSum(v: v128): v128 {
	return i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(i8x16.abs(v)));
}

// @ts-expect-error: decorator
function avgFloor(a: v128, b: v128): v128 {
	return i8x16.sub(i8x16.avgr_u(a, b), v128.and(v128.xor(a, b), i8x16.splat(1)));
}

// @ts-expect-error: decorator
function paethHalf(a: v128, b: v128, c: v128): v128 {
	const bc = i16x8.sub(b, c);
	const ac = i16x8.sub(a, c);
	const pa = i16x8.abs(bc);
	const pb = i16x8.abs(ac);
	const pc = i16x8.abs(i16x8.add(bc, ac));
	const useA = v128.and(i16x8.le_s(pa, pb), i16x8.le_s(pa, pc));
	return v128.bitselect(a, v128.bitselect(b, c, i16x8.le_s(pb, pc)), useA);
}

// @ts-expect-error: decorator
function paeth16(a: v128, b: v128, c: v128): v128 {
	const lo = paethHalf(i16x8.extend_low_i8x16_u(a), i16x8.extend_low_i8x16_u(b), i16x8.extend_low_i8x16_u(c));
	const hi = paethHalf(i16x8.extend_high_i8x16_u(a), i16x8.extend_high_i8x16_u(b), i16x8.extend_high_i8x16_u(c));
	return i8x16.narrow_i16x8_u(lo, hi);
}

// @ts-expect-error: decorator
function filtered(kind: i32, x: v128, a: v128, b: v128, c: v128): v128 {
	if (kind === 0) return x;
	if (kind === 1) return i8x16.sub(x, a);
	if (kind === 2) return i8x16.sub(x, b);
	if (kind === 3) return i8x16.sub(x, avgFloor(a, b));
	return i8x16.sub(x, paeth16(a, b, c));
}

/** Filters the `n` bytes at `cur` (row above at `prev`) into `out`: the filter
 * byte, then the row. The filter is libpng's heuristic: of the five, the one
 * whose output has the least sum of absolute values read as signed bytes
 * (first wins a tie). Returns n + 1. */
export function filterRow(cur: usize, prev: usize, n: usize, bpp: usize, out: usize): usize {
	let s0 = i32x4.splat(0);
	let s1 = i32x4.splat(0);
	let s2 = i32x4.splat(0);
	let s3 = i32x4.splat(0);
	let s4 = i32x4.splat(0);
	const full = n & ~(<usize>15);
	for (let i: usize = 0; i < full; i += 16) {
		const x = v128.load(cur + i);
		const a = v128.load(cur + i - bpp);
		const b = v128.load(prev + i);
		const c = v128.load(prev + i - bpp);
		s0 = i32x4.add(s0, absSum(x));
		s1 = i32x4.add(s1, absSum(i8x16.sub(x, a)));
		s2 = i32x4.add(s2, absSum(i8x16.sub(x, b)));
		s3 = i32x4.add(s3, absSum(i8x16.sub(x, avgFloor(a, b))));
		s4 = i32x4.add(s4, absSum(i8x16.sub(x, paeth16(a, b, c))));
	}
	if (full < n) {
		// Lanes past the row's end count nothing.
		const left = <i32>(n - full);
		const lanes = i8x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
		const m = i8x16.lt_s(lanes, i8x16.splat(<i8>left));
		const x = v128.load(cur + full);
		const a = v128.load(cur + full - bpp);
		const b = v128.load(prev + full);
		const c = v128.load(prev + full - bpp);
		s0 = i32x4.add(s0, absSum(v128.and(x, m)));
		s1 = i32x4.add(s1, absSum(v128.and(i8x16.sub(x, a), m)));
		s2 = i32x4.add(s2, absSum(v128.and(i8x16.sub(x, b), m)));
		s3 = i32x4.add(s3, absSum(v128.and(i8x16.sub(x, avgFloor(a, b)), m)));
		s4 = i32x4.add(s4, absSum(v128.and(i8x16.sub(x, paeth16(a, b, c)), m)));
	}
	let best = 0;
	let min = hsum(s0);
	const t1 = hsum(s1);
	if (t1 < min) {
		min = t1;
		best = 1;
	}
	const t2 = hsum(s2);
	if (t2 < min) {
		min = t2;
		best = 2;
	}
	const t3 = hsum(s3);
	if (t3 < min) {
		min = t3;
		best = 3;
	}
	const t4 = hsum(s4);
	if (t4 < min) best = 4;
	store<u8>(out, <u8>best);
	const dst = out + 1;
	if (best === 0) memory.copy(dst, cur, n);
	else if (best === 1) writeFiltered(1, cur, prev, n, bpp, dst);
	else if (best === 2) writeFiltered(2, cur, prev, n, bpp, dst);
	else if (best === 3) writeFiltered(3, cur, prev, n, bpp, dst);
	else writeFiltered(4, cur, prev, n, bpp, dst);
	return n + 1;
}

// @ts-expect-error: decorator
function writeFiltered(kind: i32, cur: usize, prev: usize, n: usize, bpp: usize, dst: usize): void {
	for (let i: usize = 0; i < n; i += 16) {
		const x = v128.load(cur + i);
		const a = v128.load(cur + i - bpp);
		const b = v128.load(prev + i);
		const c = v128.load(prev + i - bpp);
		v128.store(dst + i, filtered(kind, x, a, b, c));
	}
}

// @ts-expect-error: decorator
function hsum(v: v128): u32 {
	return <u32>(
		(i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3))
	);
}
