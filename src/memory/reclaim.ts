import { shedCache } from "../cache";
import { kernelMemoryBytes, releaseKernel } from "../filters";
import { existingRegistry } from "../models";
import { wasmMemoryBytes } from "../ocr/inference";
import type { Operation } from "./admission";

/**
 * Makes room for a request `shortfall` bytes short: cached results first,
 * least recently used, as many as the shortfall (losing one costs a
 * recompute if it is asked for again, where a dropped OCR runtime costs every
 * next OCR request a 1.5-1.8 s reload); then the idle runtimes, ORT through
 * the registry (so its state stays true) and the kernels directly. Resolves
 * to the bytes let go of.
 *
 * The registry is the one that loaded the models, if any did: with no
 * registry nothing is loaded, so there is no runtime to drop. Reclaim
 * therefore never depends on which request's bindings created admission.
 */
export async function reclaim(busy: Record<Operation, boolean>, shortfall: number): Promise<number> {
	let freed = shedCache(shortfall);
	if (freed >= shortfall) return freed;
	const registry = existingRegistry();
	if (!busy.ocr && registry && wasmMemoryBytes() > 0) {
		const before = wasmMemoryBytes();
		await registry.unloadIdle();
		freed += before - wasmMemoryBytes();
	}
	if (!busy.filter && kernelMemoryBytes() > 0) {
		freed += kernelMemoryBytes();
		releaseKernel();
	}
	return freed;
}
