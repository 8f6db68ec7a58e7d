import type { Pixels } from "../../src/lib/pixels";

/** PSNR in dB over the R, G and B channels (alpha ignored); 99 when identical. */
export function psnr(a: Pixels, b: Pixels): number {
	let se = 0;
	const n = a.width * a.height;
	for (let i = 0; i < n * 4; i += 4) {
		for (let c = 0; c < 3; c++) {
			const d = a.data[i + c]! - b.data[i + c]!;
			se += d * d;
		}
	}
	const mse = se / (n * 3);
	return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

function luma(p: Pixels): Float64Array {
	const out = new Float64Array(p.width * p.height);
	for (let i = 0; i < out.length; i++) {
		const d = p.data;
		out[i] = 0.299 * d[i * 4]! + 0.587 * d[i * 4 + 1]! + 0.114 * d[i * 4 + 2]!;
	}
	return out;
}

const KERNEL = (() => {
	const k = new Float64Array(11);
	let s = 0;
	for (let i = 0; i < 11; i++) {
		k[i] = Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5));
		s += k[i]!;
	}
	return k.map((v) => v / s);
})();

function reflect(i: number, n: number): number {
	if (n === 1) return 0;
	while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
	return i;
}

/** Separable 11x11 Gaussian (sigma 1.5), mirrored borders. */
function blur(src: Float64Array, w: number, h: number): Float64Array {
	const tmp = new Float64Array(w * h);
	const out = new Float64Array(w * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			let s = 0;
			for (let k = 0; k < 11; k++) s += KERNEL[k]! * src[y * w + reflect(x + k - 5, w)]!;
			tmp[y * w + x] = s;
		}
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			let s = 0;
			for (let k = 0; k < 11; k++) s += KERNEL[k]! * tmp[reflect(y + k - 5, h) * w + x]!;
			out[y * w + x] = s;
		}
	return out;
}

/** Mean SSIM of the BT.601 luma of two images (Wang et al. 2004 constants). */
export function ssimGray(a: Pixels, b: Pixels): number {
	const { width: w, height: h } = a;
	const x = luma(a);
	const y = luma(b);
	const mul = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * q[i]!);
	const mx = blur(x, w, h);
	const my = blur(y, w, h);
	const sxx = blur(mul(x, x), w, h);
	const syy = blur(mul(y, y), w, h);
	const sxy = blur(mul(x, y), w, h);
	const c1 = (0.01 * 255) ** 2;
	const c2 = (0.03 * 255) ** 2;
	let sum = 0;
	for (let i = 0; i < w * h; i++) {
		const ux = mx[i]!;
		const uy = my[i]!;
		const vx = sxx[i]! - ux * ux;
		const vy = syy[i]! - uy * uy;
		const cxy = sxy[i]! - ux * uy;
		sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
	}
	return sum / (w * h);
}
