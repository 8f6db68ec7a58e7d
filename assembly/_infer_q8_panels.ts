// x panels of the int8 GEMM: the u8 input minus its zero point, widened to
// i16 once per conv so the GEMM's inner loop only loads. A panel is 8
// pixels; for each pair of consecutive k it holds 8 x [k even, k odd]
// (32 bytes), the operand layout of i32x4.dot_i16x8_s.

/** Bytes of the x panels of a K x P operand. */
export function panelBytes(k: i32, p: i32): i32 {
	return ((p + 7) >> 3) * ((k + 1) >> 1) * 32;
}

/**
 * Rows 0..k of `src` (u8, `rs` bytes apart, p values each) minus zp into
 * x panels at `dst`; pixels past p and the odd row past k are zeros.
 */
export function packPanels(src: usize, rs: usize, k: i32, p: i32, zp: i32, dst: usize): void {
	const k2 = (k + 1) >> 1;
	const z = i16x8.splat(<i16>zp);
	const npan = (p + 7) >> 3;
	let d = dst;
	for (let pan = 0; pan < npan; pan++) {
		const p0 = pan << 3;
		const n = min(8, p - p0);
		let ra = src + <usize>p0;
		for (let i = 0; i < k2; i++) {
			const odd = 2 * i + 1 < k;
			if (n === 8 && odd) {
				const a = i16x8.sub(v128.load8x8_u(ra), z);
				const b = i16x8.sub(v128.load8x8_u(ra + rs), z);
				v128.store(d, v128.shuffle<i16>(a, b, 0, 8, 1, 9, 2, 10, 3, 11));
				v128.store(d, v128.shuffle<i16>(a, b, 4, 12, 5, 13, 6, 14, 7, 15), 16);
			} else {
				for (let l = 0; l < 8; l++) {
					const e = l < n ? <i32>load<u8>(ra + <usize>l) - zp : 0;
					const o = l < n && odd ? <i32>load<u8>(ra + rs + <usize>l) - zp : 0;
					store<i32>(d + ((<usize>l) << 2), (e & 0xffff) | (o << 16));
				}
			}
			ra += rs << 1;
			d += 32;
		}
	}
}
