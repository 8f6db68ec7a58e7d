/**
 * The exports of build/kernels/infer.wasm (assembly/infer.ts): pointers are
 * byte offsets into its memory, tensors f32 NCHW with batch 1 per call.
 * Activation codes are those of the fused epilogue (ACT below).
 */
type P = number;

export const ACT = { none: 0, relu: 1, hardsigmoid: 2, hardswish: 3, sigmoid: 4, swish: 5 } as const;
/** `unary` codes beyond the activations. */
export const UNARY = { sqrt: 6, copy: 7, affine: 8 } as const;
export const BINARY = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;

/** A convolution as the conv kernels take it: input channels and size, output channels, window, strides, pads. */
type ConvShape = [
	cin: number,
	h: number,
	w: number,
	cout: number,
	kh: number,
	kw: number,
	sh: number,
	sw: number,
	pt: number,
	pl: number,
	pb: number,
	pr: number,
];
/** The fused epilogue: activation code and its two parameters. */
type Epilogue = [act: number, alpha: number, beta: number];

export interface Kernels {
	memory: WebAssembly.Memory;
	heapBase(): P;
	convPackedBytes(cout: number, cinPerGroup: number, kh: number, kw: number, group: number): number;
	convPack(src: P, dst: P, cout: number, cinPerGroup: number, kh: number, kw: number, group: number): void;
	convScratchBytes(...shape: [...ConvShape, group: number]): number;
	conv2d(x: P, wp: P, bias: P, y: P, scratch: P, ...args: [...ConvShape, group: number, ...Epilogue]): void;
	convTransposePackedBytes(cin: number, cout: number, kh: number, kw: number): number;
	convTransposePack(src: P, dst: P, cin: number, cout: number, kh: number, kw: number): void;
	convTranspose2d(
		x: P,
		wp: P,
		bias: P,
		y: P,
		cin: number,
		h: number,
		w: number,
		cout: number,
		kh: number,
		kw: number,
		...epilogue: Epilogue
	): void;
	gemm(a: P, b: P, bias: P, c: P, m: number, k: number, n: number, ...epilogue: Epilogue): void;
	matmulBatched(a: P, b: P, c: P, batch: number, m: number, k: number, n: number): void;
	q8ParamsBytes(): number;
	/** f32 [n] -> u8 as DynamicQuantizeLinear; scale (f32) and zero point (i32) into params. */
	quantizeU8(x: P, n: number, q: P, params: P): void;
	/** f32 [n] -> codes 0..127 as DynamicQuantizeLinear with 127 levels; scale and zero point into params. */
	quantize7(x: P, n: number, q: P, params: P): void;
	conv8PackedBytes(cout: number, cin: number, kh: number, kw: number): number;
	/** f32 OIHW -> s8 per output channel (max|w| / 127) with its scales and code sums. */
	conv8Pack(src: P, dst: P, cout: number, cin: number, kh: number, kw: number): void;
	/** Scratch of conv8 on `bits`-bit codes (7 or 8). */
	conv8ScratchBytes(bits: number, ...shape: ConvShape): number;
	/** On quantizeU8's codes (bits 8) or quantize7's (bits 7). */
	conv8(bits: number, q: P, params: P, wp: P, bias: P, y: P, scratch: P, ...args: [...ConvShape, ...Epilogue]): void;
	/** f32 [K][N] -> s8 per column (max|w| / 127), packed as conv8Pack packs [N][K] (conv8PackedBytes(n, k, 1, 1)). */
	linear8Pack(src: P, dst: P, k: number, n: number): void;
	linear8ScratchBytes(m: number, k: number): number;
	/** C [M][N] = act(A . B + bias), A f32 [M][K] quantized per call as DynamicQuantizeLinear. */
	linear8(a: P, m: number, k: number, wp: P, bias: P, c: P, n: number, scratch: P, ...epilogue: Epilogue): void;
	// The i16-dot GEMM linear8 replaced: only in older builds, run as a side-by-side benchmark's baseline.
	gemmInt8PackedBytes?(k: number, n: number): number;
	gemmInt8Pack?(src: P, dst: P, k: number, n: number): void;
	quantizeRowsBytes?(m: number, k: number): number;
	quantizeRows?(a: P, q: P, m: number, k: number): void;
	gemmInt8?(qa: P, bp: P, bias: P, c: P, m: number, k: number, n: number, ...epilogue: Epilogue): void;
	binary(
		op: number,
		a: P,
		b: P,
		y: P,
		n0: number,
		n1: number,
		n2: number,
		as0: number,
		as1: number,
		as2: number,
		bs0: number,
		bs1: number,
		bs2: number,
	): void;
	unary(op: number, x: P, y: P, n: number, alpha: number, beta: number): void;
	/** On (1) or off (0): a * y + b after the activation of the conv calls until it is turned off. */
	setPost(on: number, a: number, b: number): void;
	layerNorm(x: P, gamma: P, beta: P, y: P, rows: number, cols: number, eps: number): void;
	softmax(x: P, y: P, rows: number, cols: number): void;
	/** Per row: first class of the largest value (or the first above `sure`), its value, the value at `space`; 3 f32 a row. */
	ctcSteps(x: P, rows: number, classes: number, space: number, sure: number, out: P): void;
	globalAvgPool(x: P, y: P, c: number, hw: number): void;
	pool2d(
		kind: number,
		x: P,
		y: P,
		c: number,
		h: number,
		w: number,
		kh: number,
		kw: number,
		sh: number,
		sw: number,
		pt: number,
		pl: number,
		pb: number,
		pr: number,
		countIncludePad: number,
	): void;
	resizeNearest(x: P, y: P, c: number, h: number, w: number, oh: number, ow: number): void;
	/** y = a + b upsampled sh x sw (nearest), over `planes` planes of b's h x w; y may be a. */
	upsampleAdd(a: P, b: P, y: P, planes: number, h: number, w: number, sh: number, sw: number): void;
	transpose(
		x: P,
		y: P,
		d0: number,
		d1: number,
		d2: number,
		d3: number,
		d4: number,
		p0: number,
		p1: number,
		p2: number,
		p3: number,
		p4: number,
	): void;
}
