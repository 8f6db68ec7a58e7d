// The engine's non-convolution kernels, gathered for assembly/infer.ts.

export { binary, unary } from "./_infer_ops_elem";
export { globalAvgPool, layerNorm, softmax } from "./_infer_ops_norm";
export { pool2d, resizeNearest, transpose } from "./_infer_ops_shape";
export { upsampleAdd } from "./_infer_ops_upsample";
