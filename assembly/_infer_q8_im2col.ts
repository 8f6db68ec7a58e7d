// im2col of a u8 tensor for the int8 kxk convolutions: row (ci, ky, kx) of
// the K x P matrix holds, for every output pixel, the input value its tap
// reads, or zp where the tap falls in the padding (zp is the real value 0).

/** Output columns ox in [lo, hi) whose tap kx lands inside a row of width w. */
function inside(ow: i32, w: i32, kx: i32, sw: i32, pl: i32): i64 {
	let lo = 0;
	while (lo < ow && lo * sw + kx - pl < 0) lo++;
	let hi = ow;
	while (hi > lo && (hi - 1) * sw + kx - pl >= w) hi--;
	return ((<i64>hi) << 32) | <i64>lo;
}

/** Every second byte of `src` into n bytes at `dst` (stride-2 taps). */
function gather2(src: usize, dst: usize, n: i32): void {
	let i = 0;
	for (; i + 8 <= n; i += 8) {
		// 15 bytes are read: the last one read is src[2i + 14], inside the row.
		const a = v128.load64_zero(src + ((<usize>i) << 1));
		const b = v128.load64_zero(src + ((<usize>i) << 1) + 7);
		const v = v128.shuffle<u8>(a, b, 0, 2, 4, 6, 17, 19, 21, 23, 0, 0, 0, 0, 0, 0, 0, 0);
		v128.store64_lane(dst + <usize>i, v, 0);
	}
	for (; i < n; i++) store<u8>(dst + <usize>i, load<u8>(src + ((<usize>i) << 1)));
}

/**
 * Output pixels p0..p0+n of every row (ci, ky, kx): dst u8 [cin*kh*kw][n]
 * from q u8 [cin][h][w], pixel p being output (p / ow, p % ow).
 */
export function im2col(
	q: usize,
	zp: i32,
	cin: i32,
	h: i32,
	w: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	ow: i32,
	p0: i32,
	n: i32,
	dst: usize,
): void {
	const oy0 = p0 / ow;
	const oy1 = (p0 + n - 1) / ow;
	let d = dst;
	for (let ci = 0; ci < cin; ci++) {
		const plane = q + <usize>(ci * h * w);
		for (let ky = 0; ky < kh; ky++) {
			for (let kx = 0; kx < kw; kx++) {
				const span = inside(ow, w, kx, sw, pl);
				const lo = <i32>span;
				const hi = <i32>(span >> 32);
				for (let oy = oy0; oy <= oy1; oy++) {
					// Columns a..b of output row oy fall in this chunk.
					const a = max(0, p0 - oy * ow);
					const b = min(ow, p0 + n - oy * ow);
					const row = d + <usize>(oy * ow + a - p0);
					const iy = oy * sh + ky - pt;
					const l = max(a, lo);
					const r = min(b, hi);
					if (iy < 0 || iy >= h || l >= r) {
						memory.fill(row, <u8>zp, <usize>(b - a));
						continue;
					}
					memory.fill(row, <u8>zp, <usize>(l - a));
					memory.fill(row + <usize>(r - a), <u8>zp, <usize>(b - r));
					const s = plane + <usize>(iy * w + l * sw + kx - pl);
					const o = row + <usize>(l - a);
					if (sw === 1) memory.copy(o, s, <usize>(r - l));
					else if (sw === 2) gather2(s, o, r - l);
					else for (let c = 0; c < r - l; c++) store<u8>(o + <usize>c, load<u8>(s + <usize>(c * sw)));
				}
				d += <usize>n;
			}
		}
	}
}
