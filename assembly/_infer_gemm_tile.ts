// Register tile of the float GEMM. A tile of fewer than 4 rows points its
// missing rows at the last real one (computed, never stored), so the row
// tail needs no loop of its own; a panel of fewer than 8 columns stores
// only its real lanes and reads B by lane in the rows where 8 wide would
// pass the end of B.
//
// Products are accumulated with f32x4.relaxed_madd: fused (one rounding) where
// the CPU has FMA, as x64 and ARM64 servers do, else a multiply and an add.
// Inside workerd it made the detector's float convs 1.10-1.17x faster
// (bench/engine/kernels.workerd.test.ts); the outputs move by a rounding per
// product, well inside the engine tests' tolerance against ORT. The
// depthwise kernels keep mul + add: the 8-bit recogniser re-quantizes their
// outputs, and fusing them there moved its class probabilities by 0.09.

import { Act } from "./_infer_ops_act";

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Tile {
	/** Up to 4 floats (bias, a B row's tail), zero in the missing lanes, without reading past. */
	@inline
	static loadPart(p: usize, n: i32): v128 {
		if (n >= 4) return v128.load(p);
		let v = f32x4.splat(0);
		v = f32x4.replace_lane(v, 0, load<f32>(p));
		if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
		if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
		return v;
	}

	@inline
	static storePart(p: usize, v: v128, n: i32): void {
		if (n >= 4) {
			v128.store(p, v);
			return;
		}
		if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
		if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
		if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
	}

	@inline
	static storeRow(p: usize, v0: v128, v1: v128, cols: i32, act: i32, al: v128, be: v128): void {
		v0 = Act.act4(v0, act, al, be);
		v1 = Act.act4(v1, act, al, be);
		if (cols === 8) {
			v128.store(p, v0);
			v128.store(p, v1, 16);
		} else {
			Tile.storePart(p, v0, cols);
			Tile.storePart(p + 16, v1, cols - 4);
		}
	}
}

/** rows (1..4) x cols (1..8) of C at c from A rows at a (lda bytes apart)
 * and B rows at b (ldb bytes apart). The first safeK rows of B may be read 8
 * floats wide (lanes past `cols` are computed, never stored); the rest, at
 * the end of an unpacked B's column tail, are read `cols` floats wide. */
export function tile4x8(
	a: usize,
	lda: usize,
	rows: i32,
	b: usize,
	ldb: usize,
	c: usize,
	ldc: usize,
	K: i32,
	safeK: i32,
	bias: usize,
	cols: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	let z0 = f32x4.splat(0);
	let z1 = z0;
	if (bias !== 0) {
		z0 = Tile.loadPart(bias, cols);
		if (cols > 4) z1 = Tile.loadPart(bias + 16, cols - 4);
	}
	let c00 = z0;
	let c01 = z1;
	let c10 = z0;
	let c11 = z1;
	let c20 = z0;
	let c21 = z1;
	let c30 = z0;
	let c31 = z1;
	let q0 = a;
	let q1 = rows > 1 ? a + lda : a;
	let q2 = rows > 2 ? a + 2 * lda : q1;
	let q3 = rows > 3 ? a + 3 * lda : q2;
	let pb = b;
	// Four k at a time: one v128 of each A row, its lanes splatted by shuffles,
	// halves the loads (workerd checks the bounds of every one).
	let k = 0;
	for (; k + 4 <= safeK; k += 4) {
		const a0 = v128.load(q0);
		const a1 = v128.load(q1);
		const a2 = v128.load(q2);
		const a3 = v128.load(q3);
		let b0 = v128.load(pb);
		let b1 = v128.load(pb, 16);
		pb += ldb;
		let s = v128.shuffle<f32>(a0, a0, 0, 0, 0, 0);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.shuffle<f32>(a1, a1, 0, 0, 0, 0);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.shuffle<f32>(a2, a2, 0, 0, 0, 0);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.shuffle<f32>(a3, a3, 0, 0, 0, 0);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		b0 = v128.load(pb);
		b1 = v128.load(pb, 16);
		pb += ldb;
		s = v128.shuffle<f32>(a0, a0, 1, 1, 1, 1);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.shuffle<f32>(a1, a1, 1, 1, 1, 1);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.shuffle<f32>(a2, a2, 1, 1, 1, 1);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.shuffle<f32>(a3, a3, 1, 1, 1, 1);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		b0 = v128.load(pb);
		b1 = v128.load(pb, 16);
		pb += ldb;
		s = v128.shuffle<f32>(a0, a0, 2, 2, 2, 2);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.shuffle<f32>(a1, a1, 2, 2, 2, 2);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.shuffle<f32>(a2, a2, 2, 2, 2, 2);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.shuffle<f32>(a3, a3, 2, 2, 2, 2);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		b0 = v128.load(pb);
		b1 = v128.load(pb, 16);
		pb += ldb;
		s = v128.shuffle<f32>(a0, a0, 3, 3, 3, 3);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.shuffle<f32>(a1, a1, 3, 3, 3, 3);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.shuffle<f32>(a2, a2, 3, 3, 3, 3);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.shuffle<f32>(a3, a3, 3, 3, 3, 3);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		q0 += 16;
		q1 += 16;
		q2 += 16;
		q3 += 16;
	}
	for (; k < safeK; k++) {
		const b0 = v128.load(pb);
		const b1 = v128.load(pb, 16);
		let s = v128.load32_splat(q0);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.load32_splat(q1);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.load32_splat(q2);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.load32_splat(q3);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		q0 += 4;
		q1 += 4;
		q2 += 4;
		q3 += 4;
		pb += ldb;
	}
	for (; k < K; k++) {
		const b0 = Tile.loadPart(pb, cols);
		const b1 = cols > 4 ? Tile.loadPart(pb + 16, cols - 4) : f32x4.splat(0);
		let s = v128.load32_splat(q0);
		c00 = f32x4.relaxed_madd(s, b0, c00);
		c01 = f32x4.relaxed_madd(s, b1, c01);
		s = v128.load32_splat(q1);
		c10 = f32x4.relaxed_madd(s, b0, c10);
		c11 = f32x4.relaxed_madd(s, b1, c11);
		s = v128.load32_splat(q2);
		c20 = f32x4.relaxed_madd(s, b0, c20);
		c21 = f32x4.relaxed_madd(s, b1, c21);
		s = v128.load32_splat(q3);
		c30 = f32x4.relaxed_madd(s, b0, c30);
		c31 = f32x4.relaxed_madd(s, b1, c31);
		q0 += 4;
		q1 += 4;
		q2 += 4;
		q3 += 4;
		pb += ldb;
	}
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	Tile.storeRow(c, c00, c01, cols, act, al, be);
	if (rows > 1) Tile.storeRow(c + ldc, c10, c11, cols, act, al, be);
	if (rows > 2) Tile.storeRow(c + 2 * ldc, c20, c21, cols, act, al, be);
	if (rows > 3) Tile.storeRow(c + 3 * ldc, c30, c31, cols, act, al, be);
}
