// Int8 MatMul with constant weights (the recogniser's CTC head and its SVTR
// linears): C [m][n] = act(A . B + bias), A f32 [m][k] quantized per call as
// ONNX DynamicQuantizeLinear (one scale and zero point for the tensor), B s8
// with one scale per column (linear8Pack). It runs on the int8 convolutions'
// scheme (_infer_q8_gemm.ts): the relaxed 8-bit dot on codes taken less
// their column's smallest code in the chunk and split into 7 low bits and a
// listed top bit, so the sums are the same exact integers. A's rows are that
// GEMM's pixels and B's columns its output channels; what differs is the
// layout of C, a row per pixel. So the tile here holds channels in the lanes
// (two weight blocks, 8 channels) and one pixel per accumulator pair, its
// quad splatted from the panel, and stores each pixel's channels as they
// come out, with no transpose. The i16 dot this replaced ran the CTC head at
// about 41 GMAC/s.

import { biasVec } from "./_infer_conv_1x1";
import { actRow, post4, postRow } from "./_infer_conv_act";
import { chunkPixels, headBytes } from "./_infer_q8";
import { blockOffset } from "./_infer_q8_gemm";
import { listBytes, offsetsAt, operandBytes, packPixels, panelBytes } from "./_infer_q8_panels";
import { PARAMS_BYTES, quantize } from "./_infer_q8_quant";
import { Dot } from "./_infer_q8_tile";

/** Scratch of linear8: the quantization header, A's codes, one chunk's operand. */
export function linear8ScratchBytes(m: i32, k: i32): i32 {
	return PARAMS_BYTES + ((m * k + 15) & ~15) + operandBytes(k, min(m, chunkPixels(k)), 8);
}

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Out {
	/** One pixel's 4 channels: dequantized, biased, activated (codes 0-3) and post-affined, as the conv rows do. */
	@inline
	static finish(acc: v128, off: v128, sc: v128, bias: v128, act: i32, al: v128, be: v128): v128 {
		const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(acc, off)), sc), bias);
		if (act > 3) return v;
		if (act === 0) return post4(v);
		if (act === 1) return post4(f32x4.pmax(v, f32x4.splat(0.0)));
		const hs = f32x4.pmax(f32x4.pmin(f32x4.add(f32x4.mul(al, v), be), f32x4.splat(1.0)), f32x4.splat(0.0));
		return post4(act === 2 ? hs : f32x4.mul(v, hs));
	}

	/** The first n (1..8) channels of u, v at c. */
	@inline
	static store(c: usize, u: v128, v: v128, n: i32): void {
		if (n >= 4) {
			v128.store(c, u);
			c += 16;
			u = v;
			n -= 4;
			if (n === 4) {
				v128.store(c, u);
				return;
			}
		}
		if (n > 0) store<f32>(c, f32x4.extract_lane(u, 0));
		if (n > 1) store<f32>(c, f32x4.extract_lane(u, 1), 4);
		if (n > 2) store<f32>(c, f32x4.extract_lane(u, 2), 8);
	}
}

/**
 * Pixels 0..np (np 1..4) of half `half` of a panel, 8 channels (nco stored)
 * of weight blocks w0, w1: the listed high halves first (their dots times
 * 128), then the low 7 bits; each pixel's row of C finished and stored.
 */
function tile8x4(
	x: usize,
	hi: usize,
	list: usize,
	half: i32,
	w0: usize,
	w1: usize,
	k4: i32,
	c: usize,
	ldc: usize,
	np: i32,
	nco: i32,
	off0: v128,
	off1: v128,
	sc0: v128,
	sc1: v128,
	b0: v128,
	b1: v128,
	act: i32,
	al: v128,
	be: v128,
): void {
	let a0 = i32x4.splat(0);
	let a1 = a0;
	let a2 = a0;
	let a3 = a0;
	let a4 = a0;
	let a5 = a0;
	let a6 = a0;
	let a7 = a0;
	const q = (<usize>half) << 4;
	const bit = 0x4000 << half;
	const count = <i32>load<u16>(list);
	for (let e = 1; e <= count; e++) {
		const entry = <i32>load<u16>(list + ((<usize>e) << 1));
		if ((entry & bit) === 0) continue;
		const i = <usize>(entry & 0x3fff);
		const u = v128.load(w0 + (i << 4));
		const v = v128.load(w1 + (i << 4));
		const h = hi + (i << 5) + q;
		let s = v128.load32_splat(h);
		a0 = Dot.add(u, s, a0);
		a1 = Dot.add(v, s, a1);
		s = v128.load32_splat(h, 4);
		a2 = Dot.add(u, s, a2);
		a3 = Dot.add(v, s, a3);
		s = v128.load32_splat(h, 8);
		a4 = Dot.add(u, s, a4);
		a5 = Dot.add(v, s, a5);
		s = v128.load32_splat(h, 12);
		a6 = Dot.add(u, s, a6);
		a7 = Dot.add(v, s, a7);
	}
	if (count > 0) {
		a0 = i32x4.shl(a0, 7);
		a1 = i32x4.shl(a1, 7);
		a2 = i32x4.shl(a2, 7);
		a3 = i32x4.shl(a3, 7);
		a4 = i32x4.shl(a4, 7);
		a5 = i32x4.shl(a5, 7);
		a6 = i32x4.shl(a6, 7);
		a7 = i32x4.shl(a7, 7);
	}
	let p = x + q;
	let wa = w0;
	let wb = w1;
	for (let i = 0; i < k4; i++) {
		const u = v128.load(wa);
		const v = v128.load(wb);
		let s = v128.load32_splat(p);
		a0 = Dot.add(u, s, a0);
		a1 = Dot.add(v, s, a1);
		s = v128.load32_splat(p, 4);
		a2 = Dot.add(u, s, a2);
		a3 = Dot.add(v, s, a3);
		s = v128.load32_splat(p, 8);
		a4 = Dot.add(u, s, a4);
		a5 = Dot.add(v, s, a5);
		s = v128.load32_splat(p, 12);
		a6 = Dot.add(u, s, a6);
		a7 = Dot.add(v, s, a7);
		p += 32;
		wa += 16;
		wb += 16;
	}
	Out.store(c, Out.finish(a0, off0, sc0, b0, act, al, be), Out.finish(a1, off1, sc1, b1, act, al, be), nco);
	if (np > 1)
		Out.store(c + ldc, Out.finish(a2, off0, sc0, b0, act, al, be), Out.finish(a3, off1, sc1, b1, act, al, be), nco);
	if (np > 2)
		Out.store(c + 2 * ldc, Out.finish(a4, off0, sc0, b0, act, al, be), Out.finish(a5, off1, sc1, b1, act, al, be), nco);
	if (np > 3)
		Out.store(c + 3 * ldc, Out.finish(a6, off0, sc0, b0, act, al, be), Out.finish(a7, off1, sc1, b1, act, al, be), nco);
}

/**
 * c [m][n] = act(A . B + bias) for A f32 [m][k] at a, B packed by
 * linear8Pack at wp, bias [n] (0: none); scratch of linear8ScratchBytes.
 * Sigmoid and swish (codes 4, 5) and the post affine after them go as one
 * pass over C at the end.
 */
export function linear8(
	a: usize,
	m: i32,
	k: i32,
	wp: usize,
	bias: usize,
	c: usize,
	n: i32,
	scratch: usize,
	act: i32,
	alpha: f32,
	beta: f32,
): void {
	const codes = scratch + PARAMS_BYTES;
	const operand = codes + <usize>((m * k + 15) & ~15);
	quantize(a, m * k, codes, scratch, 255);
	const sc = f32x4.splat(load<f32>(scratch));
	const zp = load<i32>(scratch, 4);
	const al = f32x4.splat(alpha);
	const be = f32x4.splat(beta);
	const k4 = (k + 3) >> 2;
	const ws = wp;
	const sums = wp + ((<usize>((n + 3) & ~3)) << 2);
	const w = wp + <usize>headBytes(n);
	const wbytes = (<usize>k4) << 4;
	const pbytes = (<usize>k4) << 5;
	const ldc = (<usize>n) << 2;
	const chunk = chunkPixels(k);
	for (let p0 = 0; p0 < m; p0 += chunk) {
		const np = min(chunk, m - p0);
		packPixels(codes + <usize>p0 * <usize>k, <usize>k, k, np, operand);
		const hb = operand + <usize>panelBytes(k, np);
		const lists = hb + <usize>panelBytes(k, np);
		const offs = operand + <usize>offsetsAt(k, np);
		const lbytes = <usize>listBytes(k);
		const npan = (np + 7) >> 3;
		for (let co = 0; co < n; co += 8) {
			const nco = min(8, n - co);
			const w0 = w + <usize>(co >> 2) * wbytes;
			// A last group of 4 or fewer channels runs its one block twice and stores half.
			const w1 = nco > 4 ? w0 + wbytes : w0;
			const off0 = blockOffset(offs, w0, sums, co, zp, k4);
			const off1 = nco > 4 ? blockOffset(offs, w1, sums, co + 4, zp, k4) : off0;
			const sc0 = f32x4.mul(sc, v128.load(ws + ((<usize>co) << 2)));
			const sc1 = nco > 4 ? f32x4.mul(sc, v128.load(ws + ((<usize>co) << 2), 16)) : sc0;
			const b0 = biasVec(bias, co, min(4, nco));
			const b1 = nco > 4 ? biasVec(bias, co + 4, nco - 4) : b0;
			for (let pan = 0; pan < npan; pan++) {
				const x = operand + <usize>pan * pbytes;
				const h = hb + <usize>pan * pbytes;
				const list = lists + <usize>pan * lbytes;
				for (let half = 0; half < 2; half++) {
					const px = (pan << 3) + (half << 2);
					if (px >= np) break;
					const out = c + <usize>(p0 + px) * ldc + ((<usize>co) << 2);
					tile8x4(
						x,
						h,
						list,
						half,
						w0,
						w1,
						k4,
						out,
						ldc,
						min(4, np - px),
						nco,
						off0,
						off1,
						sc0,
						sc1,
						b0,
						b1,
						act,
						al,
						be,
					);
				}
			}
		}
	}
	if (act > 3) {
		actRow(c, m * n, act, al, be);
		postRow(c, m * n);
	}
}
