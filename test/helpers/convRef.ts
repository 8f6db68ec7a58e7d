// Naive reference convolutions (f64) for the engine's conv kernels, and the
// per-output magnitude sum |w|*|x| that bounds f32 rounding of the same sum.

export interface ConvShape {
	cin: number;
	h: number;
	w: number;
	cout: number;
	kh: number;
	kw: number;
	sh: number;
	sw: number;
	pt: number;
	pl: number;
	pb: number;
	pr: number;
	group: number;
}

export function outSize(s: ConvShape): { oh: number; ow: number } {
	return {
		oh: Math.floor((s.h + s.pt + s.pb - s.kh) / s.sh) + 1,
		ow: Math.floor((s.w + s.pl + s.pr - s.kw) / s.sw) + 1,
	};
}

/** act code -> f64 function, as the engine defines the codes. */
export function activation(act: number, alpha: number, beta: number): (v: number) => number {
	const hs = (v: number) => Math.max(0, Math.min(1, alpha * v + beta));
	const sg = (v: number) => 1 / (1 + Math.exp(-v));
	return [(v: number) => v, (v: number) => Math.max(0, v), hs, (v: number) => v * hs(v), sg, (v: number) => v * sg(v)][
		act
	];
}

/** y and mag, [cout][oh][ow]; weights ONNX OIHW [cout][cin/group][kh][kw]. */
export function refConv(
	s: ConvShape,
	x: Float32Array,
	wt: Float32Array,
	bias: Float32Array | null,
	act: number,
	alpha: number,
	beta: number,
) {
	const { oh, ow } = outSize(s);
	const cinPG = s.cin / s.group;
	const coutPG = s.cout / s.group;
	const y = new Float64Array(s.cout * oh * ow);
	const mag = new Float64Array(s.cout * oh * ow);
	const f = activation(act, alpha, beta);
	for (let co = 0; co < s.cout; co++) {
		const g = Math.floor(co / coutPG);
		for (let oy = 0; oy < oh; oy++) {
			for (let ox = 0; ox < ow; ox++) {
				let acc = bias ? bias[co] : 0;
				let m = Math.abs(acc);
				for (let ci = 0; ci < cinPG; ci++) {
					const c = g * cinPG + ci;
					for (let ky = 0; ky < s.kh; ky++) {
						const iy = oy * s.sh + ky - s.pt;
						if (iy < 0 || iy >= s.h) continue;
						for (let kx = 0; kx < s.kw; kx++) {
							const ix = ox * s.sw + kx - s.pl;
							if (ix < 0 || ix >= s.w) continue;
							const t = x[(c * s.h + iy) * s.w + ix] * wt[((co * cinPG + ci) * s.kh + ky) * s.kw + kx];
							acc += t;
							m += Math.abs(t);
						}
					}
				}
				const o = (co * oh + oy) * ow + ox;
				y[o] = f(acc);
				mag[o] = m;
			}
		}
	}
	return { y, mag };
}

/** ConvTranspose, stride == kernel, no pads, group 1; weights [cin][cout][kh][kw]. */
export function refConvTranspose(
	cin: number,
	h: number,
	w: number,
	cout: number,
	kh: number,
	kw: number,
	x: Float32Array,
	wt: Float32Array,
	bias: Float32Array | null,
	act: number,
	alpha: number,
	beta: number,
) {
	const oh = h * kh;
	const ow = w * kw;
	const y = new Float64Array(cout * oh * ow);
	const mag = new Float64Array(cout * oh * ow);
	const f = activation(act, alpha, beta);
	for (let co = 0; co < cout; co++) {
		for (let oy = 0; oy < oh; oy++) {
			for (let ox = 0; ox < ow; ox++) {
				const iy = Math.floor(oy / kh);
				const ix = Math.floor(ox / kw);
				let acc = bias ? bias[co] : 0;
				let m = Math.abs(acc);
				for (let ci = 0; ci < cin; ci++) {
					const t = x[(ci * h + iy) * w + ix] * wt[((ci * cout + co) * kh + (oy % kh)) * kw + (ox % kw)];
					acc += t;
					m += Math.abs(t);
				}
				const o = (co * oh + oy) * ow + ox;
				y[o] = f(acc);
				mag[o] = m;
			}
		}
	}
	return { y, mag };
}

/** Seeded uniform floats in [-1, 1) (mulberry32). */
export function seeded(seed: number): (n: number) => Float32Array {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return (n: number) => {
		const out = new Float32Array(n);
		for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
		return out;
	};
}
