// The three f32 planes (R, G, B) the edge-preserving filters work on, S
// floats per row (S = planeStride(w)), one plane after the other.

import { channel, packRGB, sat8 } from "./_pixels";

/** RGBA -> three planes (R, G, B), S floats per row, zero padding. */
export function toPlanes(io: usize, P: usize, S: i32, w: i32, h: i32): void {
	const rowB = (<usize>S) << 2;
	const planeB = rowB * <usize>h;
	const zero = f32x4.splat(0);
	for (let y = 0; y < h; y++) {
		const src = io + ((<usize>y * <usize>w) << 2);
		const dst = P + <usize>y * rowB;
		for (let x = 0; x < S; x += 4) {
			const px = v128.load(src + ((<usize>x) << 2));
			const xb = (<usize>x) << 2;
			v128.store(dst + xb, channel(px, 0));
			v128.store(dst + planeB + xb, channel(px, 1));
			v128.store(dst + planeB + planeB + xb, channel(px, 2));
		}
		for (let x = w; x < S; x++) {
			const xb = (<usize>x) << 2;
			store<f32>(dst + xb, 0);
			store<f32>(dst + planeB + xb, 0);
			store<f32>(dst + planeB + planeB + xb, 0);
		}
	}
}

/** Planes -> RGBA (x scale, rounded, saturated), keeping the input's alpha. */
export function fromPlanes(io: usize, P: usize, S: i32, w: i32, h: i32, scale: f32): void {
	const rowB = (<usize>S) << 2;
	const planeB = rowB * <usize>h;
	const k = f32x4.splat(scale);
	for (let y = 0; y < h; y++) {
		const dst = io + ((<usize>y * <usize>w) << 2);
		const src = P + <usize>y * rowB;
		let x = 0;
		for (; x + 4 <= w; x += 4) {
			const xb = (<usize>x) << 2;
			const r = f32x4.mul(v128.load(src + xb), k);
			const g = f32x4.mul(v128.load(src + planeB + xb), k);
			const b = f32x4.mul(v128.load(src + planeB + planeB + xb), k);
			v128.store(dst + xb, packRGB(r, g, b, v128.load(dst + xb)));
		}
		for (; x < w; x++) {
			const xb = (<usize>x) << 2;
			store<u8>(dst + xb, sat8(load<f32>(src + xb) * scale));
			store<u8>(dst + xb, sat8(load<f32>(src + planeB + xb) * scale), 1);
			store<u8>(dst + xb, sat8(load<f32>(src + planeB + planeB + xb) * scale), 2);
		}
	}
}
