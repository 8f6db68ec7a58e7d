import nprModule from "../../build/kernels/npr.wasm";
import { instantiateKernel } from "../lib/kernel";

/** Exports of build/kernels/npr.wasm (assembly/npr.ts). */
export interface NprKernel {
	memory: WebAssembly.Memory;
	reserve(kind: number, width: number, height: number, param: number): number;
	workingSet(kind: number, width: number, height: number, param: number): number;
	pencil(width: number, height: number, sigmaS: number, sigmaR: number, shade: number, color: number): void;
	stylize(width: number, height: number, sigmaS: number, sigmaR: number): void;
	edge(width: number, height: number, flags: number, sigmaS: number, sigmaR: number): void;
	detail(width: number, height: number, sigmaS: number, sigmaR: number): void;
	oil(width: number, height: number, size: number, dynRatio: number): void;
	trap(): void;
}

/** Layout kinds understood by `reserve` (KIND_* in assembly/npr.ts). */
export const Kind = { pencil: 0, stylize: 1, edgeRF: 2, edgeNC: 3, detail: 4, oil: 5 } as const;

/** Bumped whenever kernel output may change, so cached results are not reused. */
export const KERNEL_VERSION = "npr-1";

// One instance per isolate, created on first use. All filters share it, so
// the memory kept between requests is the largest single working set, not
// the sum over filters.
let instance: NprKernel | null = null;
let peakBytes = 0;

export function kernel(): NprKernel {
	if (instance === null) {
		instance = instantiateKernel<NprKernel>(nprModule, "npr");
	}
	return instance;
}

/** Forgets the instance (after a trap its memory may be inconsistent); the
 * next call instantiates a fresh one and the old memory can be collected. */
export function dropKernel(): void {
	instance = null;
}

/** Bytes of wasm memory the live kernel instance holds (0 before first use). */
export function kernelMemoryBytes(): number {
	const bytes = instance ? instance.memory.buffer.byteLength : 0;
	if (bytes > peakBytes) peakBytes = bytes;
	return bytes;
}

/** Largest kernel memory seen in this isolate. */
export function kernelPeakBytes(): number {
	kernelMemoryBytes();
	return peakBytes;
}
