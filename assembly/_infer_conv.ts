// Conv family of the inference engine: the ABI the engine calls. Weights are
// packed once at load (convPack) into the layout of the loop that runs them:
// depthwise taps pre-splatted, every other conv in blocks of 4 output
// channels per group, and dense 3x3 convs of 8 or more input channels also
// in Winograd form (run at stride 1; the direct form serves other strides).
// Routes: depthwise -> _infer_conv_dw; 1x1 stride 1 unpadded -> the GEMM of
// _infer_conv_1x1; 3x3 stride 1 -> _infer_conv_wino; any other -> the banded
// direct loop of _infer_conv_kxk. Kernels keep no state and allocate nothing;
// the caller passes every buffer, including `scratch` of convScratchBytes.

import { pointwise, pointwiseScratch } from "./_infer_conv_1x1";
import { convDepthwise, dwScratch } from "./_infer_conv_dw";
import { convDense, denseScratch } from "./_infer_conv_kxk";
import { convTranspose, transposePack, transposePackedBytes } from "./_infer_conv_t";
import { convWino, winoEligible, winoPack, winoPackedBytes, winoScratch } from "./_infer_conv_wino";

function isDepthwise(cout: i32, cinPerGroup: i32, group: i32): bool {
	return cinPerGroup === 1 && group === cout;
}

function isPointwise(kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32, pb: i32, pr: i32): bool {
	return kh === 1 && kw === 1 && sh === 1 && sw === 1 && (pt | pl | pb | pr) === 0;
}

export function convPackedBytes(cout: i32, cinPerGroup: i32, kh: i32, kw: i32, group: i32): i32 {
	if (isDepthwise(cout, cinPerGroup, group)) return cout * kh * kw * 16;
	const coutPG = cout / group;
	const direct = group * ((coutPG + 3) >> 2) * cinPerGroup * kh * kw * 16;
	return winoEligible(cinPerGroup, kh, kw, group) ? direct + winoPackedBytes(cout, cinPerGroup) : direct;
}

/** src: ONNX OIHW [cout][cinPerGroup][kh][kw]. */
export function convPack(src: usize, dst: usize, cout: i32, cinPerGroup: i32, kh: i32, kw: i32, group: i32): void {
	const taps = kh * kw;
	if (isDepthwise(cout, cinPerGroup, group)) {
		for (let i = 0; i < cout * taps; i++) {
			const v = v128.load32_splat(src + ((<usize>i) << 2));
			v128.store(dst + ((<usize>i) << 4), v);
		}
		return;
	}
	const coutPG = cout / group;
	const blocks = (coutPG + 3) >> 2;
	const k = cinPerGroup * taps;
	for (let g = 0; g < group; g++) {
		for (let b = 0; b < blocks; b++) {
			for (let i = 0; i < k; i++) {
				for (let j = 0; j < 4; j++) {
					const co = b * 4 + j;
					const v: f32 = co < coutPG ? load<f32>(src + ((<usize>((g * coutPG + co) * k + i)) << 2)) : 0.0;
					store<f32>(dst + ((<usize>(((g * blocks + b) * k + i) * 4 + j)) << 2), v);
				}
			}
		}
	}
	if (winoEligible(cinPerGroup, kh, kw, group)) {
		winoPack(src, dst + <usize>(group * blocks * k * 16), cout, cinPerGroup);
	}
}

export function convScratchBytes(
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
	group: i32,
): i32 {
	const cinPG = cin / group;
	if (isDepthwise(cout, cinPG, group)) return dwScratch(h, w, kh, kw, sh, sw, pt, pl, pb, pr);
	if (isPointwise(kh, kw, sh, sw, pt, pl, pb, pr)) return pointwiseScratch(cinPG, h * w);
	if (winoEligible(cinPG, kh, kw, group) && sh === 1 && sw === 1) return winoScratch(cin, h, w, cout, pt, pl, pb, pr);
	return denseScratch(cinPG, h, w, kh, kw, sh, sw, pt, pl, pb, pr);
}

export function conv2d(
	x: usize,
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
	group: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const cinPG = cin / group;
	if (isDepthwise(cout, cinPG, group)) {
		convDepthwise(x, wp, bias, y, scratch, cout, h, w, kh, kw, sh, sw, pt, pl, pb, pr, act, alpha, beta);
		return;
	}
	const coutPG = cout / group;
	if (winoEligible(cinPG, kh, kw, group) && sh === 1 && sw === 1) {
		const direct = <usize>((cout + 3) >> 2) * <usize>(cin * 9) * 16;
		convWino(x, wp + direct, bias, y, scratch, cin, h, w, cout, pt, pl, pb, pr, act, alpha, beta);
		return;
	}
	const oh = (h + pt + pb - kh) / sh + 1;
	const ow = (w + pl + pr - kw) / sw + 1;
	const xg = <usize>cinPG * <usize>(h * w) * 4;
	const yg = <usize>coutPG * <usize>(oh * ow) * 4;
	const wg = <usize>((coutPG + 3) >> 2) * <usize>(cinPG * kh * kw) * 16;
	const pointw = isPointwise(kh, kw, sh, sw, pt, pl, pb, pr);
	for (let g = 0; g < group; g++) {
		const xq = x + <usize>g * xg;
		const yq = y + <usize>g * yg;
		const wq = wp + <usize>g * wg;
		const bq: usize = bias === 0 ? 0 : bias + <usize>(g * coutPG) * 4;
		if (pointw) pointwise(xq, wq, bq, yq, scratch, cinPG, h * w, coutPG, act, alpha, beta);
		else convDense(xq, wq, bq, yq, scratch, cinPG, h, w, coutPG, kh, kw, sh, sw, pt, pl, pb, pr, act, alpha, beta);
	}
}

export function convTransposePackedBytes(cin: i32, cout: i32, kh: i32, kw: i32): i32 {
	return transposePackedBytes(cin, cout, kh, kw);
}

/** src: ONNX [cin][cout][kh][kw]. */
export function convTransposePack(src: usize, dst: usize, cin: i32, cout: i32, kh: i32, kw: i32): void {
	transposePack(src, dst, cin, cout, kh, kw);
}

export function convTranspose2d(
	x: usize,
	wp: usize,
	bias: usize,
	y: usize,
	cin: i32,
	h: i32,
	w: i32,
	cout: i32,
	kh: i32,
	kw: i32,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	convTranspose(x, wp, bias, y, cin, h, w, cout, kh, kw, act, alpha, beta);
}
