// Small SIMD math: exp for the recursive filter's feedback weights.

const LOG2E: f32 = <f32>Math.LOG2E;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;

/** e^x for 4 lanes, x <= 0; relative error ~2e-7 (Cephes-style polynomial). */
export function exp4(x: v128): v128 {
	x = f32x4.max(x, f32x4.splat(-87.0));
	const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
	let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
	r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
	let p = f32x4.splat(1.98756915e-4);
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
	p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
	const r2 = f32x4.mul(r, r);
	p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
	const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
	return f32x4.mul(p, e);
}

/** Squares every float of a plane in place: the next iteration's weights are
 * the square of this one's, since its sigma halves. */
export function squarePlane(p: usize, floats: usize): void {
	const end = p + (floats << 2);
	for (let q = p; q < end; q += 16) {
		const v = v128.load(q);
		v128.store(q, f32x4.mul(v, v));
	}
}

/** sigma_h of iteration i (of 3), as OpenCV computes it in double then float. */
export function sigmaH(sigmaS: f32, i: i32): f32 {
	return <f32>((<f64>sigmaS * Math.sqrt(3.0) * 2.0 ** <f64>(2 - i)) / Math.sqrt(63.0));
}
