/**
 * Image resizing for the OCR stages: separable triangle (bilinear) filtering
 * whose footprint widens with the reduction factor, so a downscale averages
 * every source pixel it covers instead of skipping some (plain bilinear
 * aliases thin strokes away), and an upscale is ordinary bilinear.
 */
import resampleModule from "../../build/kernels/resample.wasm";
import { instantiateKernel } from "../lib/kernel";
import type { Pixels } from "../lib/pixels";

export interface Taps {
	start: Int32Array;
	count: Int32Array;
	weights: Float32Array;
	stride: number;
}

/** Per output index, the input indices it reads (from start, count of them) and their weights (stride apart). */
export function resampleTaps(inSize: number, outSize: number): Taps {
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

interface ResampleKernel {
	memory: WebAssembly.Memory;
	heapBase(): number;
	hpass(
		src: number,
		srcW: number,
		rows: number,
		start: number,
		count: number,
		weights: number,
		stride: number,
		outW: number,
		mid: number,
	): void;
	vpass(
		mid: number,
		first: number,
		outW: number,
		start: number,
		count: number,
		weights: number,
		stride: number,
		rows: number,
		dst: number,
	): void;
}

// Bytes of source, middle and output rows one band may hold: a page goes
// through in bands, so the kernel never holds a whole image (the JS passes
// this replaced held a middle image of width x source height).
const BAND_BYTES = 1 << 20;

/** Places the taps in kernel memory at p: start, count, then weights. */
function placeTaps(
	mem: ArrayBuffer,
	p: number,
	t: Taps,
): { start: number; count: number; weights: number; end: number } {
	const n = t.start.length;
	new Int32Array(mem, p, n).set(t.start);
	new Int32Array(mem, p + n * 4, n).set(t.count);
	new Float32Array(mem, p + n * 8, t.weights.length).set(t.weights);
	return { start: p, count: p + n * 4, weights: p + n * 8, end: p + n * 8 + t.weights.length * 4 };
}

/** Source rows [first, end) that output rows [y0, y1) read. */
function sourceRows(v: Taps, y0: number, y1: number): [number, number] {
	let end = 0;
	for (let y = y0; y < y1; y++) end = Math.max(end, (v.start[y] as number) + (v.count[y] as number));
	return [v.start[y0] as number, end];
}

// One instance for the resizes of a page (a few hundred of them, most of a
// line each: a fresh instance per call cost more than the loops it ran), let
// go when the page is read (releaseResampler), so no request inherits its memory.
let instance: ResampleKernel | undefined;
// The largest memory an instance reached, for /api/status: it is gone by the time anyone asks.
let peak = 0;

/** Lets the kernel instance and its memory go; the next resize makes a new one. */
export function releaseResampler(): void {
	instance = undefined;
}

/** Bytes of the live instance's memory: 0 between page reads. */
export function resamplerBytes(): number {
	return instance?.memory.buffer.byteLength ?? 0;
}

/** The most memory any instance held in this isolate. */
export function resamplerPeakBytes(): number {
	return peak;
}

/** Resizes RGBA pixels to exactly width x height, in the kernels of assembly/resample.ts (the same bytes as the JS loops they replaced). */
export function resize(src: Pixels, width: number, height: number): Pixels {
	if (width < 1 || height < 1) throw new RangeError(`cannot resize to ${width}x${height}`);
	if (width === src.width && height === src.height) return src;
	const h = resampleTaps(src.width, width);
	const v = resampleTaps(src.height, height);
	// Output rows per band, from the rows of source and middle each needs.
	const perRow = (src.width + width) * 4;
	const scale = src.height / height;
	const bandRows = Math.max(1, Math.min(height, Math.floor((BAND_BYTES / perRow - v.stride) / (scale + 1))));
	let most = 0;
	for (let y0 = 0; y0 < height; y0 += bandRows) {
		const [first, end] = sourceRows(v, y0, Math.min(height, y0 + bandRows));
		most = Math.max(most, end - first);
	}
	instance ??= instantiateKernel<ResampleKernel>(resampleModule, "resample");
	const k = instance;
	const tapBytes = (h.start.length * 2 + h.weights.length + v.start.length * 2 + v.weights.length) * 4;
	const base = k.heapBase();
	const srcAt = base + ((tapBytes + 15) & ~15);
	const midAt = srcAt + most * src.width * 4;
	const dstAt = midAt + most * width * 4;
	const need = dstAt + bandRows * width * 4;
	const have = k.memory.buffer.byteLength;
	if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
	peak = Math.max(peak, k.memory.buffer.byteLength);
	const mem = k.memory.buffer;
	const ht = placeTaps(mem, base, h);
	const vt = placeTaps(mem, ht.end, v);
	const bytes = new Uint8Array(mem);
	const dst = new Uint8ClampedArray(width * height * 4);
	for (let y0 = 0; y0 < height; y0 += bandRows) {
		const y1 = Math.min(height, y0 + bandRows);
		const [first, end] = sourceRows(v, y0, y1);
		bytes.set(src.data.subarray(first * src.width * 4, end * src.width * 4), srcAt);
		k.hpass(srcAt, src.width, end - first, ht.start, ht.count, ht.weights, h.stride, width, midAt);
		k.vpass(
			midAt,
			first,
			width,
			vt.start + y0 * 4,
			vt.count + y0 * 4,
			vt.weights + y0 * v.stride * 4,
			v.stride,
			y1 - y0,
			dstAt,
		);
		dst.set(bytes.subarray(dstAt, dstAt + (y1 - y0) * width * 4), y0 * width * 4);
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
