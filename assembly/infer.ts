// Entry of the inference kernel module (build/kernels/infer.wasm). Kernels
// keep no state and allocate nothing: the host owns every byte from
// heapBase() up, grows memory itself and passes byte offsets.

/** First byte the host may use, 64-byte aligned. */
export function heapBase(): usize {
	return (__heap_base + 63) & ~(<usize>63);
}

export { gemm, gemmPack, gemmPacked, gemmPackedBytes, matmulBatched } from "./_infer_gemm";
export { gemmInt8, gemmInt8Pack, gemmInt8PackedBytes, quantizeRows, quantizeRowsBytes } from "./_infer_gemm_int8";
export { binary, globalAvgPool, layerNorm, pool2d, resizeNearest, softmax, transpose, unary } from "./_infer_ops";
