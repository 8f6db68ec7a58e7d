// Register tile of the int8 convolutions' GEMM (_infer_q8_gemm.ts): 4 output
// channels x 8 pixels of i32 sums in eight accumulators, on the relaxed 8-bit
// dot (see there for why its sums are exact everywhere), stored raw for the
// GEMM's per-row epilogue.

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
export class Dot {
	/** acc + per lane the sum of 4 products of w's s8 and x's 7-bit values. */
	@inline
	static add(w: v128, x: v128, acc: v128): v128 {
		return i32x4.relaxed_dot_i8x16_i7x16_add_s(w, x, acc);
	}

	/** Lane j of v in every lane: channel j's quad of a weight block, or its share of a block's offsets. */
	@inline
	static lane(v: v128, j: i32): v128 {
		if (j === 0) return v128.shuffle<i32>(v, v, 0, 0, 0, 0);
		if (j === 1) return v128.shuffle<i32>(v, v, 1, 1, 1, 1);
		if (j === 2) return v128.shuffle<i32>(v, v, 2, 2, 2, 2);
		return v128.shuffle<i32>(v, v, 3, 3, 3, 3);
	}
}

/** Stores the first n (1..8) of the 8 lanes of u, v. */
function storeSome(y: usize, u: v128, v: v128, n: i32): void {
	if (n === 8) {
		v128.store(y, u);
		v128.store(y, v, 16);
		return;
	}
	if (n >= 4) {
		v128.store(y, u);
		y += 16;
		u = v;
		n -= 4;
	}
	if (n > 0) store<f32>(y, f32x4.extract_lane(u, 0));
	if (n > 1) store<f32>(y, f32x4.extract_lane(u, 1), 4);
	if (n > 2) store<f32>(y, f32x4.extract_lane(u, 2), 8);
}

/**
 * 4 channels (nco stored) x 8 pixels (n stored) of raw sums from one panel.
 * For 8-bit codes (`hi` not 0) first the high part: for each half of a block
 * (4 pixels) the panel's list names, one dot with the high panel's 0/1 bits,
 * the total times 128 (128 x (rest >> 7), the rest being the code less its
 * row's offset). Listed halves are few (0-3.3 % per conv on a recogniser
 * line); the list replaced a scan of a flag byte per block, which cost more
 * than the dots it guarded wherever flags were spread thin. Then the
 * low 7 bits of every block, in a loop with no flag test: at 16
 * multiply-adds a dot it is bound by the instructions around the dots.
 */
export function tile(x: usize, hi: usize, list: usize, w: usize, k4: i32, y: usize, ys: usize, n: i32, nco: i32): void {
	let a0 = i32x4.splat(0);
	let a1 = a0;
	let a2 = a0;
	let a3 = a0;
	let a4 = a0;
	let a5 = a0;
	let a6 = a0;
	let a7 = a0;
	if (hi !== 0) {
		const count = <i32>load<u16>(list);
		for (let e = 1; e <= count; e++) {
			const entry = <i32>load<u16>(list + ((<usize>e) << 1));
			const i = entry & 0x3fff;
			const wv = v128.load(w + ((<usize>i) << 4));
			const h = hi + ((<usize>i) << 5);
			if (entry & 0x4000) {
				const h0 = v128.load(h);
				a0 = Dot.add(Dot.lane(wv, 0), h0, a0);
				a2 = Dot.add(Dot.lane(wv, 1), h0, a2);
				a4 = Dot.add(Dot.lane(wv, 2), h0, a4);
				a6 = Dot.add(Dot.lane(wv, 3), h0, a6);
			}
			if (entry & 0x8000) {
				const h1 = v128.load(h, 16);
				a1 = Dot.add(Dot.lane(wv, 0), h1, a1);
				a3 = Dot.add(Dot.lane(wv, 1), h1, a3);
				a5 = Dot.add(Dot.lane(wv, 2), h1, a5);
				a7 = Dot.add(Dot.lane(wv, 3), h1, a7);
			}
		}
		a0 = i32x4.shl(a0, 7);
		a1 = i32x4.shl(a1, 7);
		a2 = i32x4.shl(a2, 7);
		a3 = i32x4.shl(a3, 7);
		a4 = i32x4.shl(a4, 7);
		a5 = i32x4.shl(a5, 7);
		a6 = i32x4.shl(a6, 7);
		a7 = i32x4.shl(a7, 7);
	}
	for (let i = 0; i < k4; i++) {
		const x0 = v128.load(x);
		const x1 = v128.load(x, 16);
		const wv = v128.load(w);
		let s = Dot.lane(wv, 0);
		a0 = Dot.add(s, x0, a0);
		a1 = Dot.add(s, x1, a1);
		s = Dot.lane(wv, 1);
		a2 = Dot.add(s, x0, a2);
		a3 = Dot.add(s, x1, a3);
		s = Dot.lane(wv, 2);
		a4 = Dot.add(s, x0, a4);
		a5 = Dot.add(s, x1, a5);
		s = Dot.lane(wv, 3);
		a6 = Dot.add(s, x0, a6);
		a7 = Dot.add(s, x1, a7);
		x += 32;
		w += 16;
	}
	storeSome(y, a0, a1, n);
	if (nco > 1) storeSome(y + ys, a2, a3, n);
	if (nco > 2) storeSome(y + 2 * ys, a4, a5, n);
	if (nco > 3) storeSome(y + 3 * ys, a6, a7, n);
}
