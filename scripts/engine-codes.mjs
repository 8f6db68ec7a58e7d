// 8-bit storage of the weights the engine packs as int8 anyway (the
// recogniser's q8 nodes): codes and per-channel scales exactly as
// scripts/quantize.mjs derives them, so the file is a quarter of the float
// one (in wrangler dev every model byte also crosses the local asset proxy,
// measured at about 50 ms per MB of the cold start).
//
// The engine turns codes back into floats (code x scale, in f32) and packs
// those with the same kernels as float weights; the packer derives scale and
// codes again. A weight is stored 8-bit only if that second derivation gives
// back every code and every f32 scale, checked here the way the kernels do it
// (f64 scale = max|w| / 127, JS rounding); otherwise it stays float.

const f32 = Math.fround;

/** Codes and f32 scales of `w` (Float32Array) per channel: channel c's k-th value at index(c, k). */
function derive(w, channels, per, index) {
	const codes = new Int8Array(w.length);
	const scales = new Float32Array(channels);
	for (let c = 0; c < channels; c++) {
		let m = 0;
		for (let k = 0; k < per; k++) m = Math.max(m, Math.abs(w[index(c, k)]));
		const s = m > 0 ? m / 127 : 1;
		scales[c] = s;
		for (let k = 0; k < per; k++) {
			const i = index(c, k);
			codes[i] = Math.max(-127, Math.min(127, Math.round(w[i] / s)));
		}
	}
	return { codes, scales };
}

/**
 * The 8-bit form of a q8 weight, or undefined when it would not come back
 * exactly. `axis` 0: channels are the first dim (a conv's OIHW); 1: the last
 * (a Gemm's [K][N], one scale per column).
 */
export function eightBit(values, dims, axis) {
	const [channels, per] = axis === 0 ? [dims[0], values.length / dims[0]] : [dims.at(-1), values.length / dims.at(-1)];
	const index = axis === 0 ? (c, k) => c * per + k : (c, k) => k * channels + c;
	const { codes, scales } = derive(values, channels, per, index);
	const back = new Float32Array(values.length);
	for (let c = 0; c < channels; c++)
		for (let k = 0; k < per; k++) back[index(c, k)] = f32(codes[index(c, k)] * scales[c]);
	const again = derive(back, channels, per, index);
	for (let i = 0; i < codes.length; i++) if (again.codes[i] !== codes[i]) return undefined;
	for (let c = 0; c < channels; c++) if (again.scales[c] !== scales[c]) return undefined;
	return { codes, scales, axis };
}
