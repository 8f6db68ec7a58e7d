// Domain-transform normalized convolution (NC): a box filter of radius r in
// the transformed domain ct (the running sum of 1 + ratio * L1 colour
// distance), rows then columns. Window of sample j: every k with
// ct[j] - r < ct[k] <= ct[j] + r, found with two monotone pointers.

import { dist3 } from "./_pixels";

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
	let lo = 0;
	let hi = 0;
	for (let x = 0; x < w; x++) {
		const c = load<f32>(ct + ((<usize>x) << 2));
		lo = windowEnd(ct, 2, lo, c - r);
		hi = windowEnd(ct, 2, hi, c + r);
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
		let lo = 0;
		let hi = 0;
		for (let y = 0; y < h; y++) {
			const c = load<f32>(col + ((<usize>y) << 6));
			lo = windowEnd(col, 6, lo, c - r);
			hi = windowEnd(col, 6, hi, c + r);
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

/** Full NC filter (3 iterations) on the 3 planes at P. */
export function ncFilter(
	io: usize,
	P: usize,
	S: i32,
	w: i32,
	h: i32,
	sigmaS: f32,
	sigmaR: f32,
	ct: usize,
	acc: usize,
): void {
	const ratio = sigmaS / sigmaR;
	const planeB = ((<usize>S) << 2) * <usize>h;
	for (let i = 0; i < 3; i++) {
		const sh = <f32>((<f64>sigmaS * Math.sqrt(3.0) * 2.0 ** <f64>(2 - i)) / Math.sqrt(63.0));
		const r = <f32>Math.sqrt(3.0) * sh;
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
