// a + nearest-upsampled b by integer factors (the detector's feature pyramid,
// top down: Resize x2 then Add, fused into one op at install). One call walks
// every plane, where a call per row from the host cost more than the adds
// (9 % of a detector tile's time, 96-channel maps at a quarter of the input
// side); at factor 2 across, each vector of 4 values of b feeds 8 columns
// through two shuffles.

/**
 * y[p][r][c] = a[p][r][c] + b[p][r / sh][c / sw] for `planes` planes of
 * b's h x w, so a and y are (h * sh) x (w * sw). y may be a.
 */
export function upsampleAdd(a: usize, b: usize, y: usize, planes: i32, h: i32, w: i32, sh: i32, sw: i32): void {
	const ow = w * sw;
	const outRow = (<usize>ow) << 2;
	const inRow = (<usize>w) << 2;
	for (let p = 0; p < planes; p++) {
		for (let r = 0; r < h; r++) {
			const br = b + <usize>(p * h + r) * inRow;
			for (let s = 0; s < sh; s++) {
				const at = <usize>((p * h + r) * sh + s) * outRow;
				const ar = a + at;
				const yr = y + at;
				let c = 0;
				if (sw === 2) {
					for (; c + 4 <= w; c += 4) {
						const v = v128.load(br + ((<usize>c) << 2));
						const o = (<usize>c) << 3;
						const lo = v128.shuffle<f32>(v, v, 0, 0, 1, 1);
						const hi = v128.shuffle<f32>(v, v, 2, 2, 3, 3);
						v128.store(yr + o, f32x4.add(v128.load(ar + o), lo));
						v128.store(yr + o, f32x4.add(v128.load(ar + o, 16), hi), 16);
					}
				} else if (sw === 1) {
					for (; c + 4 <= w; c += 4) {
						const o = (<usize>c) << 2;
						v128.store(yr + o, f32x4.add(v128.load(ar + o), v128.load(br + o)));
					}
				}
				for (; c < w; c++) {
					const v = load<f32>(br + ((<usize>c) << 2));
					for (let k = 0; k < sw; k++) {
						const o = (<usize>(c * sw + k)) << 2;
						store<f32>(yr + o, load<f32>(ar + o) + v);
					}
				}
			}
		}
	}
}
