// Entry of the inference engine's kernel module (build/kernels/infer.wasm):
// re-exports only. The engine owns every byte above heapBase().

/** First byte the engine may use: the static data's end, 64-byte aligned. */
export function heapBase(): usize {
	return (__heap_base + 63) & ~(<usize>63);
}

export {
	conv2d,
	convPack,
	convPackedBytes,
	convScratchBytes,
	convTranspose2d,
	convTransposePack,
	convTransposePackedBytes,
} from "./_infer_conv";
