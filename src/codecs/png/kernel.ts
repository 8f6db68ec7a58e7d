import pngModule from "../../../build/kernels/png.wasm";

/** Exports of build/kernels/png.wasm (assembly/png.ts). */
export interface PngKernel {
	memory: WebAssembly.Memory;
	decodeBytes(w: number, h: number, depth: number, colorType: number, interlaced: number, outW: number): number;
	decSetup(
		w: number,
		h: number,
		depth: number,
		colorType: number,
		interlaced: number,
		outW: number,
		outH: number,
		keyR: number,
		keyG: number,
		keyB: number,
		opaque: number,
	): number;
	palette(): number;
	feed(n: number): number;
	encodeBytes(w: number, channels: number, rows: number): number;
	encSetup(w: number, channels: number, rows: number): number;
	encOutput(): number;
	encStrip(rows: number): number;
}

/** Bytes the host copies into the decoder's input window per feed (WINDOW in assembly/_png_decode.ts). */
export const WINDOW = 65536;

const PAGE = 65536;

// Heaps of the calls in progress, and the largest any call reached in this isolate.
const live = new Set<WebAssembly.Memory>();
let peak = 0;
let last = 0;

/**
 * A fresh instance, referenced only by the call that made it; `emitRow`
 * receives the resampler's finished rows. Pair with `release`.
 */
export function instantiate(emitRow: (ptr: number, y: number) => void): PngKernel {
	const k = create(emitRow);
	live.add(k.memory);
	return k;
}

function create(emitRow: (ptr: number, y: number) => void): PngKernel {
	const env = {
		emitRow,
		abort() {
			throw new WebAssembly.RuntimeError("png kernel abort");
		},
	};
	return new WebAssembly.Instance(pngModule, { env }).exports as unknown as PngKernel;
}

export function release(k: PngKernel): void {
	last = k.memory.buffer.byteLength;
	peak = Math.max(peak, last);
	live.delete(k.memory);
}

/** Linear memory a layout of `bytes` (from decodeBytes/encodeBytes) grows to: whole pages. */
export function pagesFor(bytes: number): number {
	return Math.max(PAGE, Math.ceil(bytes / PAGE) * PAGE);
}

/** A throwaway instance to answer size questions exactly (layouts are only computed, it never grows). */
export function sizing(): PngKernel {
	return create(() => {});
}

/** Largest PNG kernel heap reached in this isolate. */
export function pngPeakBytes(): number {
	let p = peak;
	for (const m of live) p = Math.max(p, m.buffer.byteLength);
	peak = p;
	return p;
}

/** Heaps of the PNG calls in progress. */
export function pngLiveBytes(): number {
	let sum = 0;
	for (const m of live) sum += m.buffer.byteLength;
	return sum;
}

/** Heap of the most recent PNG call to finish (for tests and benchmarks). */
export function pngLastBytes(): number {
	return last;
}
