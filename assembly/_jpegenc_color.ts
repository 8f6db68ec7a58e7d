// Colour conversion and chroma subsampling of one strip of 16 rows for the
// JPEG encoder, with libjpeg's arithmetic so our output matches cjpeg's
// choices: jccolor.c rgb_ycc_convert (16-bit fixed point, Cb/Cr rounded with
// ONE_HALF - 1) and jcsample.c h2v2_downsample (a 2x2 box with a bias that
// alternates 1, 2 along the row, so halves do not all round the same way).
// The strip is widened to whole MCUs by repeating the last column, and a
// short last strip is completed by repeating its last row, as libjpeg's
// expand_right_edge and expand_bottom_edge do.

// FIX(x) = x * 2^16 rounded (jccolor.c, SCALEBITS 16).
const FIX_0_29900: i32 = 19595;
const FIX_0_58700: i32 = 38470;
const FIX_0_11400: i32 = 7471;
const FIX_0_16874: i32 = 11059;
const FIX_0_33126: i32 = 21709;
const FIX_0_50000: i32 = 32768;
const FIX_0_41869: i32 = 27439;
const FIX_0_08131: i32 = 5329;
const ONE_HALF: i32 = 1 << 15;
const CBCR_OFFSET: i32 = 128 << 16;

/** Converts `rows` (1-16) RGBA rows of width w at src into full-resolution Y,
 * Cb and Cr planes of 16 rows of `stride` (w rounded up to 16) bytes. */
export function convertStrip(src: usize, w: i32, rows: i32, yP: usize, cbP: usize, crP: usize, stride: i32): void {
	const st = <usize>stride;
	for (let r = 0; r < 16; r++) {
		const o = <usize>r * st;
		if (r >= rows) {
			// Below the image: the last real row again.
			memory.copy(yP + o, yP + o - st, st);
			memory.copy(cbP + o, cbP + o - st, st);
			memory.copy(crP + o, crP + o - st, st);
			continue;
		}
		let s = src + <usize>r * ((<usize>w) << 2);
		const yo = yP + o;
		const cbo = cbP + o;
		const cro = crP + o;
		for (let x: usize = 0; x < <usize>w; x++) {
			const px = load<u32>(s);
			s += 4;
			const R = <i32>(px & 0xff);
			const G = <i32>((px >> 8) & 0xff);
			const B = <i32>((px >> 16) & 0xff);
			store<u8>(yo + x, <u8>((FIX_0_29900 * R + FIX_0_58700 * G + FIX_0_11400 * B + ONE_HALF) >> 16));
			store<u8>(
				cbo + x,
				<u8>((-FIX_0_16874 * R - FIX_0_33126 * G + FIX_0_50000 * B + CBCR_OFFSET + ONE_HALF - 1) >> 16),
			);
			store<u8>(
				cro + x,
				<u8>((FIX_0_50000 * R - FIX_0_41869 * G - FIX_0_08131 * B + CBCR_OFFSET + ONE_HALF - 1) >> 16),
			);
		}
		// Right of the image: the last real column again.
		const pad = st - <usize>w;
		if (pad > 0) {
			const last = <usize>w - 1;
			memory.fill(yo + <usize>w, load<u8>(yo + last), pad);
			memory.fill(cbo + <usize>w, load<u8>(cbo + last), pad);
			memory.fill(cro + <usize>w, load<u8>(cro + last), pad);
		}
	}
}

/** 2x2 box average of a 16-row full-resolution plane (`stride` wide) into 8
 * rows of stride/2, as h2v2_downsample: bias 1 on even, 2 on odd columns.
 * Of a strip of `rows` image rows, only the row pairs that hold one are
 * averaged; the rows below repeat the last of them, as libjpeg pads the
 * subsampled plane (jcprepct.c), not the full one. */
export function downsample(full: usize, stride: i32, sub: usize, rows: i32): void {
	const st = <usize>stride;
	const half = st >> 1;
	const real = <usize>((rows + 1) >> 1);
	for (let r: usize = 0; r < real; r++) {
		const in0 = full + (r << 1) * st;
		const in1 = in0 + st;
		const out = sub + r * half;
		for (let c: usize = 0; c < half; c += 2) {
			const i = c << 1;
			const a =
				<i32>load<u8>(in0 + i) + <i32>load<u8>(in0 + i + 1) + <i32>load<u8>(in1 + i) + <i32>load<u8>(in1 + i + 1);
			const b =
				<i32>load<u8>(in0 + i + 2) +
				<i32>load<u8>(in0 + i + 3) +
				<i32>load<u8>(in1 + i + 2) +
				<i32>load<u8>(in1 + i + 3);
			store<u8>(out + c, <u8>((a + 1) >> 2));
			store<u8>(out + c + 1, <u8>((b + 2) >> 2));
		}
	}
	for (let r: usize = real; r < 8; r++) memory.copy(sub + r * half, sub + (real - 1) * half, half);
}
