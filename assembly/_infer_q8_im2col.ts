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

/** dst u8 [cin*kh*kw][oh*ow] from q u8 [cin][h][w]. */
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
	oh: i32,
	ow: i32,
	dst: usize,
): void {
	const p = <usize>(oh * ow);
	let d = dst;
	for (let ci = 0; ci < cin; ci++) {
		const plane = q + <usize>(ci * h * w);
		for (let ky = 0; ky < kh; ky++) {
			for (let kx = 0; kx < kw; kx++) {
				const span = inside(ow, w, kx, sw, pl);
				const lo = <i32>span;
				const hi = <i32>(span >> 32);
				for (let oy = 0; oy < oh; oy++) {
					const row = d + <usize>(oy * ow);
					const iy = oy * sh + ky - pt;
					if (iy < 0 || iy >= h || lo >= hi) {
						memory.fill(row, <u8>zp, <usize>ow);
						continue;
					}
					memory.fill(row, <u8>zp, <usize>lo);
					memory.fill(row + <usize>hi, <u8>zp, <usize>(ow - hi));
					const s = plane + <usize>(iy * w + lo * sw + kx - pl);
					if (sw === 1) memory.copy(row + <usize>lo, s, <usize>(hi - lo));
					else if (sw === 2) gather2(s, row + <usize>lo, hi - lo);
					else for (let o = lo; o < hi; o++) store<u8>(row + <usize>o, load<u8>(s + <usize>((o - lo) * sw)));
				}
				d += p;
			}
		}
	}
}
