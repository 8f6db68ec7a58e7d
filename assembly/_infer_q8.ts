// Int8 convolutions (group 1) of the inference engine: the ABI the engine
// calls. An activation is quantized once (quantizeU8) and read by every conv8
// that consumes it; weights are quantized and packed once at load (conv8Pack).
// Packed weights: cout rounded up to 4 f32 channel scales, then blocks of 4
// channels of i16 codes in k pairs (see _infer_q8_gemm.ts). conv8 works in
// chunks of output pixels: it widens the chunk's u8 input minus its zero point
// into i16 panels in scratch (through an im2col copy for kernels other than
// 1x1 s1), then runs the integer GEMM on them: scratch is one chunk's worth
// (about 64 KiB of panels, 128 pixels' for long K) however large the plane.

import { chunkPanels, gemm8 } from "./_infer_q8_gemm";
import { im2col } from "./_infer_q8_im2col";
import { packPanels, panelBytes } from "./_infer_q8_panels";
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
	quantize(x, n, q, params);
}

function scalesBytes(cout: i32): i32 {
	return ((cout + 3) >> 2) * 16;
}

export function conv8PackedBytes(cout: i32, cin: i32, kh: i32, kw: i32): i32 {
	return scalesBytes(cout) + ((cout + 3) >> 2) * ((cin * kh * kw + 1) >> 1) * 16;
}

/** src: ONNX OIHW f32 [cout][cin][kh][kw]. */
export function conv8Pack(src: usize, dst: usize, cout: i32, cin: i32, kh: i32, kw: i32): void {
	const k = cin * kh * kw;
	const k2 = (k + 1) >> 1;
	const codes = dst + <usize>scalesBytes(cout);
	memory.fill(dst, 0, <usize>conv8PackedBytes(cout, cin, kh, kw));
	for (let c = 0; c < cout; c++) {
		const row = src + <usize>(c * k) * 4;
		const s = channelScale(row, k);
		store<f32>(dst + ((<usize>c) << 2), <f32>s);
		// Channel c is lane pair c & 3 of block c >> 2.
		const base = codes + <usize>((c >> 2) * k2) * 16 + ((<usize>(c & 3)) << 2);
		for (let i = 0; i < k; i++) {
			const at = base + ((<usize>(i >> 1)) << 4) + ((<usize>(i & 1)) << 1);
			store<i16>(at, <i16>weightCode(load<f32>(row + ((<usize>i) << 2)), s));
		}
	}
}

/** Pixels per chunk: x is packed and multiplied one chunk at a time. */
function chunkPixels(k: i32): i32 {
	return chunkPanels((k + 1) >> 1) << 3;
}

export function conv8ScratchBytes(
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
	const panels = panelBytes(k, n);
	if (isPointwise(kh, kw, sh, sw, pt, pl, pb, pr)) return panels;
	return panels + ((k * n + 15) & ~15);
}

export function conv8(
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
	const k2 = (k + 1) >> 1;
	const chunk = chunkPixels(k);
	const pointw = isPointwise(kh, kw, sh, sw, pt, pl, pb, pr);
	const cols = scratch + <usize>panelBytes(k, min(p, chunk));
	const codes = wp + <usize>scalesBytes(cout);
	const ys = (<usize>p) << 2;
	for (let p0 = 0; p0 < p; p0 += chunk) {
		const n = min(chunk, p - p0);
		if (pointw) {
			packPanels(q + <usize>p0, <usize>p, k, n, zp, scratch);
		} else {
			im2col(q, zp, cin, h, w, kh, kw, sh, sw, pt, pl, ow, p0, n, cols);
			packPanels(cols, <usize>n, k, n, zp, scratch);
		}
		gemm8(scratch, k2, n, ys, codes, wp, cout, scale, bias, y + ((<usize>p0) << 2), act, alpha, beta);
	}
}
