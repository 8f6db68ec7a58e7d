// Int8 convolutions (group 1) of the inference engine: the ABI the engine
// calls. An activation is quantized once per call (quantizeU8, or quantize7
// for the convs the engine runs on 7-bit codes) and weights once at load
// (conv8Pack). Packed weights: cout rounded up to 4 f32 channel scales, as
// many i32 sums of each channel's codes (the zero point's share, subtracted
// once per output), then blocks of 4 channels of s8 codes in k quads (see
// _infer_q8_gemm.ts). conv8 and conv7 work in chunks of output pixels: the
// chunk's codes are packed into the GEMM's x operand in scratch (through an
// im2col copy for kernels other than 1x1 s1), then multiplied: scratch is one
// chunk's worth (about 64 KiB of panels, 128 pixels' for long K) however
// large the plane.

import { chunkPanels, gemm8 } from "./_infer_q8_gemm";
import { im2col } from "./_infer_q8_im2col";
import { operandBytes, packPanels } from "./_infer_q8_panels";
import { channelScale, PARAMS_BYTES, quantize, weightCode } from "./_infer_q8_quant";

function isPointwise(kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32): bool {
	return kh === 1 && kw === 1 && sh === 1 && sw === 1 && (pt | pl | pb | pr) === 0;
}

/** Bytes of the header quantizeU8 writes (scale f32 at 0, zero point i32 at 4). */
export function q8ParamsBytes(): i32 {
	return PARAMS_BYTES;
}

/** x f32[n] -> q u8[n] as ONNX DynamicQuantizeLinear, scale and zero point into params. */
export function quantizeU8(x: usize, n: i32, q: usize, params: usize): void {
	quantize(x, n, q, params, 255);
}

/** The same with 127 levels: codes 0..127, for conv7. */
export function quantize7(x: usize, n: i32, q: usize, params: usize): void {
	quantize(x, n, q, params, 127);
}

/** Bytes before the codes of packed weights: channel scales and code sums, cout rounded up to 4 of each. */
export function headBytes(cout: i32): i32 {
	return ((cout + 3) >> 2) * 32;
}

export function conv8PackedBytes(cout: i32, cin: i32, kh: i32, kw: i32): i32 {
	return headBytes(cout) + ((cout + 3) >> 2) * ((cin * kh * kw + 3) >> 2) * 16;
}

/** src: ONNX OIHW f32 [cout][cin][kh][kw]; s8 codes per output channel as quantize.mjs derives them. */
export function conv8Pack(src: usize, dst: usize, cout: i32, cin: i32, kh: i32, kw: i32): void {
	const k = cin * kh * kw;
	packCodes(src, dst, cout, k, k, 1);
}

/** src: a constant MatMul operand f32 [k][n], one channel per column: packed as conv8Pack packs [n][k]. */
export function linear8Pack(src: usize, dst: usize, k: i32, n: i32): void {
	packCodes(src, dst, n, k, 1, n);
}

/** Channel c's weight i at src + (c * cs + i * ks) floats. */
function packCodes(src: usize, dst: usize, cout: i32, k: i32, cs: i32, ks: i32): void {
	const k4 = (k + 3) >> 2;
	const sums = dst + ((<usize>((cout + 3) & ~3)) << 2);
	const codes = dst + <usize>headBytes(cout);
	memory.fill(dst, 0, <usize>conv8PackedBytes(cout, k, 1, 1));
	const step = (<usize>ks) << 2;
	for (let c = 0; c < cout; c++) {
		const row = src + <usize>(c * cs) * 4;
		const s = channelScale(row, k, ks);
		store<f32>(dst + ((<usize>c) << 2), <f32>s);
		// Channel c is lane c & 3 of block c >> 2.
		const base = codes + <usize>((c >> 2) * k4) * 16 + ((<usize>(c & 3)) << 2);
		let sum = 0;
		for (let i = 0; i < k; i++) {
			const code = weightCode(load<f32>(row + <usize>i * step), s);
			sum += code;
			store<i8>(base + ((<usize>(i >> 2)) << 4) + <usize>(i & 3), <i8>code);
		}
		store<i32>(sums + ((<usize>c) << 2), sum);
	}
}

/** Pixels per chunk: x is packed and multiplied one chunk at a time. */
export function chunkPixels(k: i32): i32 {
	return chunkPanels((k + 3) >> 2) << 3;
}

/** Scratch of conv8 on `bits`-bit codes (7 or 8): one chunk's x operand, and its im2col copy. */
export function conv8ScratchBytes(
	bits: i32,
	cin: i32,
	h: i32,
	w: i32,
	// biome-ignore lint/correctness/noUnusedFunctionParameters: the scratch does not depend on it, the ABI passes it
	cout: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
): i32 {
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	const k = cin * kh * kw;
	const n = min(oh * ow, chunkPixels(k));
	const operand = operandBytes(k, n, bits);
	if (isPointwise(kh, kw, sh, sw, pt, pl, pb, pr)) return operand;
	return operand + ((k * n + 15) & ~15);
}

/**
 * y = act(conv(x, w) + bias) from the codes q of x: quantizeU8's (bits 8) or
 * quantize7's (bits 7, no high panels to pack or add).
 */
export function conv8(
	bits: i32,
	q: usize,
	params: usize,
	wp: usize,
	bias: usize,
	y: usize,
	scratch: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	kh: i32,
	kw: i32,
	sh: i32,
	sw: i32,
	pt: i32,
	pl: i32,
	pb: i32,
	pr: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const scale = load<f32>(params);
	const zp = load<i32>(params, 4);
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	const p = oh * ow;
	const k = cin * kh * kw;
	const k4 = (k + 3) >> 2;
	const chunk = chunkPixels(k);
	const pointw = isPointwise(kh, kw, sh, sw, pt, pl, pb, pr);
	const cols = scratch + <usize>operandBytes(k, min(p, chunk), bits);
	const sums = wp + ((<usize>((cout + 3) & ~3)) << 2);
	const codes = wp + <usize>headBytes(cout);
	const ys = (<usize>p) << 2;
	for (let p0 = 0; p0 < p; p0 += chunk) {
		const n = min(chunk, p - p0);
		if (pointw) {
			packPanels(q + <usize>p0, <usize>p, k, n, scratch, bits);
		} else {
			im2col(q, zp, cin, h, w, kh, kw, sh, sw, pt, pl, ow, p0, n, cols);
			packPanels(cols, <usize>n, k, n, scratch, bits);
		}
		gemm8(scratch, bits, k4, n, ys, codes, wp, sums, cout, scale, zp, bias, y + ((<usize>p0) << 2), act, alpha, beta);
	}
}
