/**
 * Image resizing for the OCR stages: separable triangle (bilinear) filtering
 * whose footprint widens with the reduction factor, so a downscale averages
 * every source pixel it covers instead of skipping some (plain bilinear
 * aliases thin strokes away), and an upscale is ordinary bilinear.
 */
import type { Pixels } from "../lib/pixels";

interface Taps {
	start: Int32Array;
	count: Int32Array;
	weights: Float32Array;
	stride: number;
}

function taps(inSize: number, outSize: number): Taps {
	const scale = inSize / outSize;
	const radius = Math.max(1, scale);
	const stride = Math.ceil(radius) * 2 + 2;
	const start = new Int32Array(outSize);
	const count = new Int32Array(outSize);
	const weights = new Float32Array(outSize * stride);
	for (let i = 0; i < outSize; i++) {
		const center = (i + 0.5) * scale;
		const lo = Math.max(0, Math.floor(center - radius));
		const hi = Math.min(inSize, Math.ceil(center + radius));
		let sum = 0;
		let n = 0;
		for (let j = lo; j < hi && n < stride; j++, n++) {
			const w = Math.max(0, 1 - Math.abs(j + 0.5 - center) / radius);
			weights[i * stride + n] = w;
			sum += w;
		}
		if (sum === 0) {
			// Only reachable at the far edge of a tiny source: take the nearest pixel.
			weights[i * stride] = 1;
			sum = 1;
			n = Math.max(n, 1);
		}
		for (let k = 0; k < n; k++) weights[i * stride + k] = (weights[i * stride + k] ?? 0) / sum;
		start[i] = Math.min(lo, inSize - 1);
		count[i] = n;
	}
	return { start, count, weights, stride };
}

/** Resizes RGBA pixels to exactly width x height. */
export function resize(src: Pixels, width: number, height: number): Pixels {
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

/**
 * Transparent pixels composited over white. Logos and screenshots often
 * carry dark text on a transparent background whose hidden colour is black;
 * the models ignore alpha and would see black on black.
 */
export function onWhite(p: Pixels): Pixels {
	const d = p.data;
	let opaque = true;
	for (let i = 3; i < d.length; i += 4) {
		if ((d[i] as number) < 255) {
			opaque = false;
			break;
		}
	}
	if (opaque) return p;
	const out = new Uint8ClampedArray(d.length);
	for (let i = 0; i < d.length; i += 4) {
		const a = (d[i + 3] as number) / 255;
		const white = 255 * (1 - a);
		out[i] = (d[i] as number) * a + white;
		out[i + 1] = (d[i + 1] as number) * a + white;
		out[i + 2] = (d[i + 2] as number) * a + white;
		out[i + 3] = 255;
	}
	return { data: out, width: p.width, height: p.height };
}
