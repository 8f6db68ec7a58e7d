import pngModule from "../../../build/kernels/png.wasm";
import { instantiateKernel } from "../../lib/kernel";
import { HeapMeter, wholePages } from "../meter";

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

const meter = new HeapMeter();

/**
 * A fresh instance, referenced only by the call that made it; `emitRow`
 * receives the resampler's finished rows. Pair with `release`.
 */
export function instantiate(emitRow: (ptr: number, y: number) => void): PngKernel {
	const k = create(emitRow);
	meter.start(k.memory);
	return k;
}

function create(emitRow: (ptr: number, y: number) => void): PngKernel {
	return instantiateKernel<PngKernel>(pngModule, "png", { emitRow });
}

export function release(k: PngKernel): void {
	meter.end(k.memory);
}

/** Linear memory a layout of `bytes` (from decodeBytes/encodeBytes) grows to: whole pages. */
export const pagesFor = wholePages;

/** A throwaway instance to answer size questions exactly (layouts are only computed, it never grows). */
export function sizing(): PngKernel {
	return create(() => {});
}

/** Largest PNG kernel heap reached in this isolate. */
export const pngPeakBytes = () => meter.peakBytes();
/** Heaps of the PNG calls in progress. */
export const pngLiveBytes = () => meter.liveBytes();
/** Heap of the most recent PNG call to finish (for tests and benchmarks). */
export const pngLastBytes = () => meter.lastBytes();
