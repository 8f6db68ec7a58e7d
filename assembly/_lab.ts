// Float sRGB <-> CIE Lab (D65) as OpenCV's COLOR_BGR2Lab / COLOR_Lab2BGR do
// on float images: gamma-correct sRGB, the 0.008856 / 7.787 / 903.3 constants.

const LIN = memory.data(256 * 4, 16);
const GAMMA_N = 4096;
const GAMMA = memory.data((GAMMA_N + 2) * 4, 16);
// Cube roots of [0, 1] (X/Xn, Y and Z/Zn of an sRGB colour stay in it) in
// 4096 steps, read with linear interpolation: off by at most 5e-6 (at the
// table's steepest used point, t = 0.008856), 6e-4 in L. Three Newton
// iterations with a division each made every Lab conversion latency-bound:
// they were more than half of detail_enhance's time.
const CBRT_N = 4096;
const CBRT = memory.data((CBRT_N + 2) * 4, 16);
let ready = false;

// D65-normalised sRGB -> XYZ rows (X and Z divided by the white point).
const XR: f32 = <f32>(0.412453 / 0.950456);
const XG: f32 = <f32>(0.35758 / 0.950456);
const XB: f32 = <f32>(0.180423 / 0.950456);
const YR: f32 = 0.212671;
const YG: f32 = 0.71516;
const YB: f32 = 0.072169;
const ZR: f32 = <f32>(0.019334 / 1.088754);
const ZG: f32 = <f32>(0.119193 / 1.088754);
const ZB: f32 = <f32>(0.950227 / 1.088754);
const T: f32 = 0.008856;
const A16: f32 = <f32>(16.0 / 116.0);

export function labTables(): void {
	if (ready) return;
	for (let i = 0; i < 256; i++) {
		const c = <f64>(<f32>i * <f32>(1.0 / 255.0));
		store<f32>(LIN + ((<usize>i) << 2), <f32>(c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
	}
	for (let i = 0; i <= GAMMA_N + 1; i++) {
		const x = Math.min(1.0, <f64>i / <f64>GAMMA_N);
		store<f32>(GAMMA + ((<usize>i) << 2), <f32>(x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1.0 / 2.4) - 0.055));
	}
	for (let i = 0; i <= CBRT_N + 1; i++) {
		store<f32>(CBRT + ((<usize>i) << 2), <f32>Math.cbrt(Math.min(1.0, <f64>i / <f64>CBRT_N)));
	}
	ready = true;
}

function lin(p: usize, c: i32): f32 {
	return load<f32>(LIN + ((<usize>load<u8>(p + <usize>c)) << 2));
}

function f(t: f32): f32 {
	if (t <= T) return <f32>7.787 * t + A16;
	const x = min(t, <f32>1.0) * <f32>CBRT_N;
	const i = <i32>x;
	const q = CBRT + ((<usize>i) << 2);
	const a = load<f32>(q);
	return a + (load<f32>(q, 4) - a) * (x - <f32>i);
}

// Outputs of labOf.
export let labL: f32 = 0;
export let labA: f32 = 0;
export let labB: f32 = 0;

/** Lab lightness of the RGBA pixel at p. */
export function lightnessOf(p: usize): f32 {
	const Y = lin(p, 0) * YR + lin(p, 1) * YG + lin(p, 2) * YB;
	return Y > T ? <f32>116.0 * f(Y) - <f32>16.0 : <f32>903.3 * Y;
}

/** Lab of the RGBA pixel at p. */
export function labOf(p: usize): void {
	const r = lin(p, 0);
	const g = lin(p, 1);
	const b = lin(p, 2);
	const X = r * XR + g * XG + b * XB;
	const Y = r * YR + g * YG + b * YB;
	const Z = r * ZR + g * ZG + b * ZB;
	const fx = f(X);
	const fy = f(Y);
	const fz = f(Z);
	labL = Y > T ? <f32>116.0 * fy - <f32>16.0 : <f32>903.3 * Y;
	labA = <f32>500.0 * (fx - fy);
	labB = <f32>200.0 * (fy - fz);
}

function finv(t: f32): f32 {
	return t <= <f32>0.20689307 ? (t - A16) * <f32>(1.0 / 7.787) : t * t * t;
}

function gamma255(v: f32): f32 {
	const x = min(max(v, 0), 1) * <f32>GAMMA_N;
	const i = <i32>x;
	const q = GAMMA + ((<usize>i) << 2);
	const a = load<f32>(q);
	return (a + (load<f32>(q, 4) - a) * (x - <f32>i)) * 255;
}

// Outputs of rgbOf, already scaled by 255.
export let outR: f32 = 0;
export let outG: f32 = 0;
export let outB: f32 = 0;

/** sRGB (x255, gamma-encoded, clipped to [0, 1] first) of a Lab colour. */
export function rgbOf(L: f32, a: f32, b: f32): void {
	let fy: f32, y: f32;
	if (L <= <f32>(0.008856 * 903.3)) {
		y = L / <f32>903.3;
		fy = <f32>7.787 * y + A16;
	} else {
		fy = (L + <f32>16.0) / <f32>116.0;
		y = fy * fy * fy;
	}
	const x = finv(a / <f32>500.0 + fy) * <f32>0.950456;
	const z = finv(fy - b / <f32>200.0) * <f32>1.088754;
	outR = gamma255(<f32>3.240479 * x - <f32>1.53715 * y - <f32>0.498535 * z);
	outG = gamma255(<f32>-0.969256 * x + <f32>1.875991 * y + <f32>0.041556 * z);
	outB = gamma255(<f32>0.055648 * x - <f32>0.204043 * y + <f32>1.057311 * z);
}
