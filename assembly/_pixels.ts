// Shared conversions between RGBA bytes and f32 vectors (lanes = 4 pixels).
// OpenCV converts 8-bit to float as f32(v) * f32(1/255); outputs are
// saturate_cast<uchar>(v * 255), which rounds half to even.

export const SCALE: f32 = <f32>(1.0 / 255.0);

const Z = i32x4.splat(0);

/** Channel `c` (0 R, 1 G, 2 B) of 4 RGBA pixels as f32 in [0, 1]. */
export function channel(px: v128, c: i32): v128 {
	let v: v128;
	if (c === 0) v = i8x16.shuffle(px, Z, 0, 16, 16, 16, 4, 16, 16, 16, 8, 16, 16, 16, 12, 16, 16, 16);
	else if (c === 1) v = i8x16.shuffle(px, Z, 1, 16, 16, 16, 5, 16, 16, 16, 9, 16, 16, 16, 13, 16, 16, 16);
	else v = i8x16.shuffle(px, Z, 2, 16, 16, 16, 6, 16, 16, 16, 10, 16, 16, 16, 14, 16, 16, 16);
	return f32x4.mul(f32x4.convert_i32x4_u(v), f32x4.splat(SCALE));
}

/** OpenCV's L1 colour distance between two sets of 4 pixels, summed in B, G, R
 * order as its loop does, so float rounding matches. */
export function dist3(a: v128, b: v128): v128 {
	const db = f32x4.abs(f32x4.sub(channel(a, 2), channel(b, 2)));
	const dg = f32x4.abs(f32x4.sub(channel(a, 1), channel(b, 1)));
	const dr = f32x4.abs(f32x4.sub(channel(a, 0), channel(b, 0)));
	return f32x4.add(f32x4.add(db, dg), dr);
}

/** Rounds (half to even) and saturates 4 pixels of r, g, b (already x255) and
 * interleaves them with the alpha bytes of `orig`. */
export function packRGB(r: v128, g: v128, b: v128, orig: v128): v128 {
	const ri = i32x4.trunc_sat_f32x4_s(f32x4.nearest(r));
	const gi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(g));
	const bi = i32x4.trunc_sat_f32x4_s(f32x4.nearest(b));
	const rg = i16x8.narrow_i32x4_s(ri, gi);
	const b0 = i16x8.narrow_i32x4_s(bi, Z);
	const bytes = i8x16.narrow_i16x8_u(rg, b0);
	return i8x16.shuffle(bytes, orig, 0, 4, 8, 19, 1, 5, 9, 23, 2, 6, 10, 27, 3, 7, 11, 31);
}

/** Scalar saturate_cast<uchar>(v) for one value already scaled by 255. */
export function sat8(v: f32): u8 {
	const r = nearest<f32>(v);
	if (!(r > 0)) return 0;
	if (r >= 255) return 255;
	return <u8>(<i32>r);
}

/** Loads RGBA byte `c` of pixel at `p` as f32 in [0, 1]. */
export function byteF(p: usize, c: i32): f32 {
	return <f32>load<u8>(p + c) * SCALE;
}
