// Reference of the engine's int8 convolutions in plain TypeScript, with the
// numerics of the 8-bit recogniser graph (scripts/quantize.mjs, run by
// onnxruntime): DynamicQuantizeLinear in f32, weights rounded in f64 with
// JS Math.round, the product summed exactly, dequantized in f32.

import { type ConvShape, outSize } from "./convRef";

const f = Math.fround;

/** Round half to even (nearbyint in the default rounding mode). */
export function nearestEven(v: number): number {
	const r = Math.round(v);
	return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** ONNX DynamicQuantizeLinear to u8, every step in f32; `levels` 127 gives the 7-bit codes of quantize7. */
export function dynamicQuantize(x: Float32Array, levels = 255): { q: Uint8Array; scale: number; zp: number } {
	let lo = 0;
	let hi = 0;
	for (const v of x) {
		lo = Math.min(lo, v);
		hi = Math.max(hi, v);
	}
	const scale = hi === lo ? 1 : f(f(hi - lo) / levels);
	const zp = nearestEven(Math.max(0, Math.min(levels, f(-f(lo / scale)))));
	const q = new Uint8Array(x.length);
	for (let i = 0; i < x.length; i++) q[i] = Math.max(0, Math.min(levels, nearestEven(f(x[i] / scale)) + zp));
	return { q, scale, zp };
}

/** Per output channel symmetric s8 weights as quantize.mjs makes them; scales as stored (f32). */
export function quantizeWeights(w: Float32Array, cout: number): { codes: Int8Array; scales: Float32Array } {
	const per = w.length / cout;
	const codes = new Int8Array(w.length);
	const scales = new Float32Array(cout);
	for (let c = 0; c < cout; c++) {
		let m = 0;
		for (let k = 0; k < per; k++) m = Math.max(m, Math.abs(w[c * per + k]));
		const s = m > 0 ? m / 127 : 1;
		scales[c] = s;
		for (let k = 0; k < per; k++) codes[c * per + k] = Math.max(-127, Math.min(127, Math.round(w[c * per + k] / s)));
	}
	return { codes, scales };
}

/**
 * The conv before its activation, [cout][oh][ow]: exact sum of (q - zp) * code
 * (padding reads q == zp), then f32(acc) * f32(scale * s[c]) + bias[c] in f32,
 * the operations and order of the quantized graph (Cast, Mul, Mul, Add).
 */
export function conv8Ref(
	s: ConvShape,
	x: { q: Uint8Array; scale: number; zp: number },
	w: { codes: Int8Array; scales: Float32Array },
	bias: Float32Array | null,
): Float32Array {
	const { oh, ow } = outSize(s);
	const y = new Float32Array(s.cout * oh * ow);
	const acc = new Int32Array(oh * ow);
	for (let co = 0; co < s.cout; co++) {
		acc.fill(0);
		for (let ci = 0; ci < s.cin; ci++) {
			for (let ky = 0; ky < s.kh; ky++) {
				for (let kx = 0; kx < s.kw; kx++) {
					const wq = w.codes[((co * s.cin + ci) * s.kh + ky) * s.kw + kx];
					if (wq === 0) continue;
					for (let oy = 0; oy < oh; oy++) {
						const iy = oy * s.sh + ky - s.pt;
						if (iy < 0 || iy >= s.h) continue;
						const row = (ci * s.h + iy) * s.w;
						for (let ox = 0; ox < ow; ox++) {
							const ix = ox * s.sw + kx - s.pl;
							if (ix >= 0 && ix < s.w) acc[oy * ow + ox] += (x.q[row + ix] - x.zp) * wq;
						}
					}
				}
			}
		}
		const sc = f(x.scale * w.scales[co]);
		for (let p = 0; p < oh * ow; p++) {
			const v = f(f(acc[p]) * sc);
			y[co * oh * ow + p] = bias ? f(v + bias[co]) : v;
		}
	}
	return y;
}
