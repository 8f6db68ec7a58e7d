/**
 * The OCR resizer's arithmetic written as plain JS loops over typed arrays
 * (the form src/ocr/resample.ts had before its kernels): the reference the
 * kernels' output must equal byte for byte.
 */
import type { Pixels } from "../../src/lib/pixels";
import { resampleTaps as taps } from "../../src/ocr/resample";

/** The resizer as plain JS loops, the reference for the kernels' bytes. */
export function resizeRef(src: Pixels, width: number, height: number): Pixels {
	if (width < 1 || height < 1) throw new RangeError(`cannot resize to ${width}x${height}`);
	if (width === src.width && height === src.height) return src;
	const h = taps(src.width, width);
	const v = taps(src.height, height);
	const s = src.data;
	// Horizontal pass first: the intermediate is width x src.height, bytes not floats.
	const mid = new Uint8ClampedArray(width * src.height * 4);
	for (let y = 0; y < src.height; y++) {
		const row = y * src.width * 4;
		const out = y * width * 4;
		for (let x = 0; x < width; x++) {
			let r = 0;
			let g = 0;
			let b = 0;
			let a = 0;
			const base = x * h.stride;
			const n = h.count[x] ?? 0;
			let p = row + (h.start[x] ?? 0) * 4;
			for (let k = 0; k < n; k++, p += 4) {
				const w = h.weights[base + k] ?? 0;
				r += (s[p] ?? 0) * w;
				g += (s[p + 1] ?? 0) * w;
				b += (s[p + 2] ?? 0) * w;
				a += (s[p + 3] ?? 0) * w;
			}
			const o = out + x * 4;
			mid[o] = r;
			mid[o + 1] = g;
			mid[o + 2] = b;
			mid[o + 3] = a;
		}
	}
	const dst = new Uint8ClampedArray(width * height * 4);
	const rowBytes = width * 4;
	const acc = new Float32Array(rowBytes);
	for (let y = 0; y < height; y++) {
		acc.fill(0);
		const base = y * v.stride;
		const n = v.count[y] ?? 0;
		const first = v.start[y] ?? 0;
		for (let k = 0; k < n; k++) {
			const w = v.weights[base + k] ?? 0;
			const row = (first + k) * rowBytes;
			for (let i = 0; i < rowBytes; i++) acc[i] = (acc[i] ?? 0) + (mid[row + i] ?? 0) * w;
		}
		dst.set(acc, y * rowBytes);
	}
	return { data: dst, width, height };
}
