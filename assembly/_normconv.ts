// Domain-transform normalized convolution (NC): a box filter of radius r in
// the transformed domain ct (the running sum of 1 + ratio * L1 colour
// distance), rows then columns. Window of sample j: every k with
// ct[j] - r < ct[k] <= ct[j] + r, found with two monotone pointers.

import { planeStride } from "./_arena";
import { dist3 } from "./_pixels";
import { toPlanes } from "./_planes";
import { sigmaH } from "./_simd";

/**
 * First index from `from` on whose domain coordinate (f32 at
 * base + index << shift) exceeds `limit`. Coordinates rise along a row or
 * column, so a window [c - r, c + r] slides with two of these cursors that
 * only move forward: the whole pass is linear in its length.
 */
export function windowEnd(base: usize, shift: u32, from: i32, limit: f32): i32 {
	let i = from;
	while (load<f32>(base + ((<usize>i) << shift)) <= limit) i++;
	return i;
}

/**
 * Moves the window of sample `i` (coordinate at base + i << shift) on from
 * the previous sample's. Both cursors travel packed in one i64, lo in the low
 * half and hi in the high half, so every pass shares this one step; the
 * optimizer inlines it (the built module has no i64 function), so the pair
 * stays in locals: no memory round trip in the hot loops.
 */
// @inline
export function slide(win: i64, base: usize, shift: u32, i: i32, r: f32): i64 {
	const c = load<f32>(base + ((<usize>i) << shift));
	const lo = windowEnd(base, shift, <i32>win, c - r);
	const hi = windowEnd(base, shift, <i32>(win >>> 32), c + r);
	return ((<i64>hi) << 32) | <i64>(<u32>lo);
}

/** The two cursors of a packed window. */
// @inline
export function winLo(win: i64): i32 {
	return <i32>win;
}

// @inline
export function winHi(win: i64): i32 {
	return <i32>(win >>> 32);
}

/** ct of row y (w + 1 floats, ct[w] = +inf as a sentinel). */
export function rowDomain(io: usize, y: i32, w: i32, ratio: f32, ct: usize): void {
	const one = f32x4.splat(1.0);
	const k = f32x4.splat(ratio);
	const row = io + ((<usize>y * <usize>w) << 2);
	for (let x = 0; x < w; x += 4) {
		const p = row + ((<usize>x) << 2);
		v128.store(ct + ((<usize>x) << 2), f32x4.add(one, f32x4.mul(k, dist3(v128.load(p), v128.load(p - 4)))));
	}
	let acc: f32 = 1.0;
	store<f32>(ct, acc);
	for (let x = 1; x < w; x++) {
		const q = ct + ((<usize>x) << 2);
		acc = load<f32>(q) + acc;
		store<f32>(q, acc);
	}
	store<f32>(ct + ((<usize>w) << 2), Infinity);
}

/** ct down columns x0 .. x0+kw-1 (kw a multiple of 4, at most 16), stored
 * row-major with 16 floats per row: cts[y*16 + k]; row h is the sentinel. */
export function colDomain(io: usize, x0: i32, kw: i32, w: i32, h: i32, ratio: f32, cts: usize): void {
	const one = f32x4.splat(1.0);
	const k = f32x4.splat(ratio);
	const rowB = (<usize>w) << 2;
	for (let g = 0; g < kw; g += 4) v128.store(cts + ((<usize>g) << 2), one);
	for (let y = 1; y < h; y++) {
		const q = cts + ((<usize>y) << 6);
		const p = io + <usize>y * rowB + ((<usize>x0) << 2);
		for (let g = 0; g < kw; g += 4) {
			const pg = p + ((<usize>g) << 2);
			const hz = f32x4.add(one, f32x4.mul(k, dist3(v128.load(pg), v128.load(pg - rowB))));
			v128.store(q + ((<usize>g) << 2), f32x4.add(hz, v128.load(q - 64 + ((<usize>g) << 2))));
		}
	}
	const inf = f32x4.splat(Infinity);
	const end = cts + ((<usize>h) << 6);
	for (let g = 0; g < 16; g += 4) v128.store(end + ((<usize>g) << 2), inf);
}

/** One NC row: box mean of the 3 planes over each sample's window. `acc` holds
 * (w + 1) prefix sums as RGBx vectors. */
export function ncRow(P: usize, planeB: usize, rowOff: usize, w: i32, ct: usize, r: f32, acc: usize): void {
	const pr = P + rowOff;
	const pg = pr + planeB;
	const pb = pg + planeB;
	const zero = f32x4.splat(0);
	let s = zero;
	v128.store(acc, s);
	for (let x = 0; x < w; x += 4) {
		const xb = (<usize>x) << 2;
		const R = v128.load(pr + xb);
		const G = v128.load(pg + xb);
		const B = v128.load(pb + xb);
		const t0 = f32x4.shuffle(R, G, 0, 4, 1, 5);
		const t1 = f32x4.shuffle(R, G, 2, 6, 3, 7);
		const t2 = f32x4.shuffle(B, zero, 0, 4, 1, 5);
		const t3 = f32x4.shuffle(B, zero, 2, 6, 3, 7);
		const q = acc + ((<usize>x) << 4);
		s = f32x4.add(f32x4.shuffle(t0, t2, 0, 1, 4, 5), s);
		v128.store(q, s, 16);
		s = f32x4.add(f32x4.shuffle(t0, t2, 2, 3, 6, 7), s);
		v128.store(q, s, 32);
		s = f32x4.add(f32x4.shuffle(t1, t3, 0, 1, 4, 5), s);
		v128.store(q, s, 48);
		s = f32x4.add(f32x4.shuffle(t1, t3, 2, 3, 6, 7), s);
		v128.store(q, s, 64);
	}
	let win: i64 = 0;
	for (let x = 0; x < w; x++) {
		win = slide(win, ct, 2, x, r);
		const lo = winLo(win);
		const hi = winHi(win);
		const m = f32x4.div(
			f32x4.sub(v128.load(acc + ((<usize>hi) << 4)), v128.load(acc + ((<usize>lo) << 4))),
			f32x4.splat(<f32>(hi - lo)),
		);
		const xb = (<usize>x) << 2;
		store<f32>(pr + xb, f32x4.extract_lane(m, 0));
		store<f32>(pg + xb, f32x4.extract_lane(m, 1));
		store<f32>(pb + xb, f32x4.extract_lane(m, 2));
	}
}

/** NC down a strip of columns x0 .. x0+kw-1 whose ct is in `cts`; `acc` holds
 * (h + 1) * 16 prefix-sum RGBx vectors. Writes columns below `valid`. */
export function ncStrip(
	P: usize,
	planeB: usize,
	S: i32,
	x0: i32,
	kw: i32,
	valid: i32,
	h: i32,
	cts: usize,
	r: f32,
	acc: usize,
): void {
	const rowB = (<usize>S) << 2;
	const zero = f32x4.splat(0);
	for (let g = 0; g < 16; g++) v128.store(acc + ((<usize>g) << 4), zero);
	for (let y = 0; y < h; y++) {
		const pr = P + <usize>y * rowB + ((<usize>x0) << 2);
		const q = acc + ((<usize>y) << 8);
		for (let g = 0; g < kw; g += 4) {
			const gb = (<usize>g) << 2;
			const R = v128.load(pr + gb);
			const G = v128.load(pr + planeB + gb);
			const B = v128.load(pr + planeB + planeB + gb);
			const t0 = f32x4.shuffle(R, G, 0, 4, 1, 5);
			const t1 = f32x4.shuffle(R, G, 2, 6, 3, 7);
			const t2 = f32x4.shuffle(B, zero, 0, 4, 1, 5);
			const t3 = f32x4.shuffle(B, zero, 2, 6, 3, 7);
			const qg = q + ((<usize>g) << 4);
			v128.store(qg, f32x4.add(f32x4.shuffle(t0, t2, 0, 1, 4, 5), v128.load(qg)), 256);
			v128.store(qg, f32x4.add(f32x4.shuffle(t0, t2, 2, 3, 6, 7), v128.load(qg, 16)), 272);
			v128.store(qg, f32x4.add(f32x4.shuffle(t1, t3, 0, 1, 4, 5), v128.load(qg, 32)), 288);
			v128.store(qg, f32x4.add(f32x4.shuffle(t1, t3, 2, 3, 6, 7), v128.load(qg, 48)), 304);
		}
	}
	for (let k = 0; k < valid; k++) {
		const col = cts + ((<usize>k) << 2);
		const ak = acc + ((<usize>k) << 4);
		const out = P + ((<usize>(x0 + k)) << 2);
		let win: i64 = 0;
		for (let y = 0; y < h; y++) {
			win = slide(win, col, 6, y, r);
			const lo = winLo(win);
			const hi = winHi(win);
			const m = f32x4.div(
				f32x4.sub(v128.load(ak + ((<usize>hi) << 8)), v128.load(ak + ((<usize>lo) << 8))),
				f32x4.splat(<f32>(hi - lo)),
			);
			const p = out + <usize>y * rowB;
			store<f32>(p, f32x4.extract_lane(m, 0));
			store<f32>(p + planeB, f32x4.extract_lane(m, 1));
			store<f32>(p + planeB + planeB, f32x4.extract_lane(m, 2));
		}
	}
}

/** Full NC filter (3 iterations): the RGBA at io into the 3 planes at P,
 * filtered there (the domain is always the unfiltered input's). */
export function ncFilter(io: usize, P: usize, w: i32, h: i32, sigmaS: f32, sigmaR: f32, ct: usize, acc: usize): void {
	const S = planeStride(w);
	toPlanes(io, P, S, w, h);
	const ratio = sigmaS / sigmaR;
	const planeB = ((<usize>S) << 2) * <usize>h;
	for (let i = 0; i < 3; i++) {
		const r = <f32>Math.sqrt(3.0) * sigmaH(sigmaS, i);
		for (let y = 0; y < h; y++) {
			rowDomain(io, y, w, ratio, ct);
			ncRow(P, planeB, (<usize>y * <usize>S) << 2, w, ct, r, acc);
		}
		for (let x0 = 0; x0 < w; x0 += 16) {
			const kw = min(16, S - x0);
			colDomain(io, x0, kw, w, h, ratio, ct);
			ncStrip(P, planeB, S, x0, kw, min(16, w - x0), h, ct, r, acc);
		}
	}
}
