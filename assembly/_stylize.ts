// cv::stylization and cv::edgePreservingFilter on 3 f32 planes.

import { planeStride } from "./_arena";
import { ncFilter } from "./_normconv";
import { sat8 } from "./_pixels";
import { fromPlanes, toPlanes } from "./_planes";
import { rfFilter } from "./_recursive";

/** Sobel magnitude of one plane at (y, x), OpenCV's separable order and
 * BORDER_REFLECT_101 rows/columns given by the caller. */
function sobelMag(p: usize, rm: usize, r0: usize, rp: usize, xm: usize, x0: usize, xp: usize): f32 {
	const dm = load<f32>(p + rm + xp) - load<f32>(p + rm + xm);
	const d0 = load<f32>(p + r0 + xp) - load<f32>(p + r0 + xm);
	const dp = load<f32>(p + rp + xp) - load<f32>(p + rp + xm);
	const gx = d0 * <f32>2.0 + (dm + dp);
	const sm = load<f32>(p + rm + x0) * <f32>2.0 + (load<f32>(p + rm + xm) + load<f32>(p + rm + xp));
	const sp = load<f32>(p + rp + x0) * <f32>2.0 + (load<f32>(p + rp + xm) + load<f32>(p + rp + xp));
	const gy = sp - sm;
	return Mathf.sqrt(gx * gx + gy * gy);
}

/** cv::stylization's last step, on the planes at P once ncFilter has smoothed
 * them: each pixel darkened by the summed Sobel magnitude of its planes. */
export function stylizeEdges(io: usize, P: usize, w: i32, h: i32): void {
	const S = planeStride(w);
	const rowB = (<usize>S) << 2;
	const planeB = rowB * <usize>h;
	const pR = P;
	const pG = P + planeB;
	const pB = P + planeB + planeB;
	for (let y = 0; y < h; y++) {
		const r0 = <usize>y * rowB;
		const ym = y > 0 ? y - 1 : 1;
		const rm = <usize>ym * rowB;
		const rp = <usize>(y < h - 1 ? y + 1 : h - 2) * rowB;
		const dst = io + ((<usize>y * <usize>w) << 2);
		for (let x = 0; x < w; x++) {
			const x0 = (<usize>x) << 2;
			const xl = x > 0 ? x - 1 : 1;
			const xm = (<usize>xl) << 2;
			const xp = (<usize>(x < w - 1 ? x + 1 : w - 2)) << 2;
			const mag =
				sobelMag(pB, rm, r0, rp, xm, x0, xp) +
				sobelMag(pG, rm, r0, rp, xm, x0, xp) +
				sobelMag(pR, rm, r0, rp, xm, x0, xp);
			const k = <f32>1.0 - mag;
			store<u8>(dst + x0, sat8(load<f32>(pR + r0 + x0) * k * 255));
			store<u8>(dst + x0, sat8(load<f32>(pG + r0 + x0) * k * 255), 1);
			store<u8>(dst + x0, sat8(load<f32>(pB + r0 + x0) * k * 255), 2);
		}
	}
}

/** flags 1: recursive filter (weights vh, vv: S*h floats each);
 * flags 2: normalized convolution. */
export function edgePreserving(
	io: usize,
	P: usize,
	w: i32,
	h: i32,
	flags: i32,
	sigmaS: f32,
	sigmaR: f32,
	ct: usize,
	acc: usize,
	vh: usize,
	vv: usize,
): void {
	const S = planeStride(w);
	if (flags === 1) {
		toPlanes(io, P, S, w, h);
		rfFilter(io, 0, P, 3, S, w, h, sigmaS, sigmaR, vh, vv, ct, acc);
	} else {
		ncFilter(io, P, w, h, sigmaS, sigmaR, ct, acc);
	}
	fromPlanes(io, P, S, w, h, 255);
}
