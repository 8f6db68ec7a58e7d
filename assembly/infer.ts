// Entry of the inference engine's kernel module (build/kernels/infer.wasm):
// re-exports only. Kernels allocate nothing: the engine owns every byte from
// heapBase() up, grows memory itself and passes byte offsets. They keep no
// state between calls but the post affine the host turns on around the conv
// calls of one node and off again (setPost).

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
export { setPost } from "./_infer_conv_act";
export { ctcSteps } from "./_infer_ctc";
export { gemm, gemmPack, gemmPacked, gemmPackedBytes, matmulBatched } from "./_infer_gemm";
export {
	binary,
	globalAvgPool,
	layerNorm,
	pool2d,
	resizeNearest,
	softmax,
	transpose,
	unary,
	upsampleAdd,
} from "./_infer_ops";
export {
	conv8,
	conv8Pack,
	conv8PackedBytes,
	conv8ScratchBytes,
	linear8Pack,
	q8ParamsBytes,
	quantize7,
	quantizeU8,
} from "./_infer_q8";
export { linear8, linear8ScratchBytes } from "./_infer_q8_linear";
