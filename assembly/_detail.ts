// cv::detailEnhance: RF-smooth the Lab lightness (scaled to [0, 0.39]) with
// weights from its own gradients, boost the residual 3x, convert back.

import { labA, labB, labL, labOf, labTables, lightnessOf, outB, outG, outR, rgbOf } from "./_lab";
import { sat8 } from "./_pixels";
import { rfFilter } from "./_recursive";

const INV255: f32 = <f32>(1.0 / 255.0);

/** `L`, `vh`, `vv`: S*h floats each (L preceded by 16 spare bytes);
 * `vt`, `tmp`: (S + 4) * 16 bytes each. */
export function detailEnhance(
	io: usize,
	w: i32,
	h: i32,
	sigmaS: f32,
	sigmaR: f32,
	L: usize,
	vh: usize,
	vv: usize,
	vt: usize,
	tmp: usize,
): void {
	labTables();
	const S = (w + 3) & ~3;
	const rowB = (<usize>S) << 2;
	for (let y = 0; y < h; y++) {
		const row = L + <usize>y * rowB;
		for (let x = 0; x < w; x++) {
			store<f32>(row + ((<usize>x) << 2), lightnessOf(io + ((<usize>y * <usize>w + <usize>x) << 2)) * INV255);
		}
		for (let x = w; x < S; x++) store<f32>(row + ((<usize>x) << 2), 0);
	}
	rfFilter(0, L, L, 1, S, w, h, sigmaS, sigmaR, vh, vv, vt, tmp);
	for (let y = 0; y < h; y++) {
		const row = L + <usize>y * rowB;
		for (let x = 0; x < w; x++) {
			const p = io + ((<usize>y * <usize>w + <usize>x) << 2);
			labOf(p);
			const base = labL * INV255;
			const res = load<f32>(row + ((<usize>x) << 2));
			const detail = (base - res) * <f32>3.0;
			rgbOf((res + detail) * <f32>255.0, labA, labB);
			store<u8>(p, sat8(outR));
			store<u8>(p, sat8(outG), 1);
			store<u8>(p, sat8(outB), 2);
		}
	}
}
