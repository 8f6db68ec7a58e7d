// Unfiltered PNG scanlines to RGBA u8 pixels, for every colour type and depth.
// 16-bit samples keep their high byte (libpng's strip16); 1, 2 and 4-bit gray
// is scaled to 8 bits by replicating the bits (v * 255 / max). tRNS: a colour
// key (gray or RGB, compared at the file's own depth) makes that colour fully
// transparent; palette entries carry their own alpha in the table.

export const GRAY: i32 = 0;
export const RGB: i32 = 2;
export const PALETTE: i32 = 3;
export const GRAY_ALPHA: i32 = 4;
export const RGBA: i32 = 6;

/** Bits a pixel occupies in a scanline. */
export function bitsPerPixel(colorType: i32, depth: i32): i32 {
	const channels = colorType === RGB ? 3 : colorType === GRAY_ALPHA ? 2 : colorType === RGBA ? 4 : 1;
	return channels * depth;
}

// @ts-expect-error: decorator
function lowSample(src: usize, i: i32, depth: i32): u32 {
	const bit = i * depth;
	const byte = <u32>load<u8>(src + <usize>(bit >> 3));
	return (byte >> <u32>(8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/**
 * Converts `w` pixels at `src` into RGBA at `dst` (which has 16 bytes of slack).
 * `pal` is 256 RGBA u32 entries; keyR/G/B is the tRNS colour key (-1 when none;
 * gray uses keyR).
 */
export function convertRow(
	src: usize,
	dst: usize,
	w: i32,
	colorType: i32,
	depth: i32,
	pal: usize,
	keyR: i32,
	keyG: i32,
	keyB: i32,
): void {
	const hasKey = keyR >= 0;
	if (colorType === RGBA) {
		if (depth === 8) {
			memory.copy(dst, src, (<usize>w) << 2);
		} else {
			for (let i = 0; i < w; i++) {
				const s = src + ((<usize>i) << 3);
				const px =
					<u32>load<u8>(s) |
					((<u32>load<u8>(s, 2)) << 8) |
					((<u32>load<u8>(s, 4)) << 16) |
					((<u32>load<u8>(s, 6)) << 24);
				store<u32>(dst + ((<usize>i) << 2), px);
			}
		}
		return;
	}
	if (colorType === RGB) {
		if (depth === 8) {
			if (!hasKey) {
				const shuf = i8x16(0, 1, 2, -128, 3, 4, 5, -128, 6, 7, 8, -128, 9, 10, 11, -128);
				const alpha = i32x4.splat(0xff000000);
				for (let i = 0; i < w; i += 4) {
					const v = v128.load(src + <usize>i * 3);
					v128.store(dst + ((<usize>i) << 2), v128.or(i8x16.swizzle(v, shuf), alpha));
				}
			} else {
				for (let i = 0; i < w; i++) {
					const s = src + <usize>i * 3;
					const r = <u32>load<u8>(s);
					const g = <u32>load<u8>(s, 1);
					const b = <u32>load<u8>(s, 2);
					const a: u32 = r === <u32>keyR && g === <u32>keyG && b === <u32>keyB ? 0 : 0xff000000;
					store<u32>(dst + ((<usize>i) << 2), r | (g << 8) | (b << 16) | a);
				}
			}
		} else {
			for (let i = 0; i < w; i++) {
				const s = src + <usize>i * 6;
				const r = <u32>load<u8>(s);
				const g = <u32>load<u8>(s, 2);
				const b = <u32>load<u8>(s, 4);
				let a: u32 = 0xff000000;
				if (hasKey) {
					const r16 = (r << 8) | <u32>load<u8>(s, 1);
					const g16 = (g << 8) | <u32>load<u8>(s, 3);
					const b16 = (b << 8) | <u32>load<u8>(s, 5);
					if (r16 === <u32>keyR && g16 === <u32>keyG && b16 === <u32>keyB) a = 0;
				}
				store<u32>(dst + ((<usize>i) << 2), r | (g << 8) | (b << 16) | a);
			}
		}
		return;
	}
	if (colorType === GRAY_ALPHA) {
		const step: usize = depth === 8 ? 2 : 4;
		const aOff: usize = depth === 8 ? 1 : 2;
		for (let i = 0; i < w; i++) {
			const s = src + <usize>i * step;
			const v = <u32>load<u8>(s);
			const a = <u32>load<u8>(s + aOff);
			store<u32>(dst + ((<usize>i) << 2), (v * 0x010101) | (a << 24));
		}
		return;
	}
	if (colorType === PALETTE) {
		if (depth === 8) {
			for (let i = 0; i < w; i++) {
				store<u32>(dst + ((<usize>i) << 2), load<u32>(pal + ((<usize>load<u8>(src + <usize>i)) << 2)));
			}
		} else {
			for (let i = 0; i < w; i++) {
				store<u32>(dst + ((<usize>i) << 2), load<u32>(pal + ((<usize>lowSample(src, i, depth)) << 2)));
			}
		}
		return;
	}
	// Gray.
	if (depth === 8) {
		for (let i = 0; i < w; i++) {
			const v = <u32>load<u8>(src + <usize>i);
			const a: u32 = hasKey && v === <u32>keyR ? 0 : 0xff000000;
			store<u32>(dst + ((<usize>i) << 2), (v * 0x010101) | a);
		}
	} else if (depth === 16) {
		for (let i = 0; i < w; i++) {
			const s = src + ((<usize>i) << 1);
			const v = <u32>load<u8>(s);
			const a: u32 = hasKey && ((v << 8) | <u32>load<u8>(s, 1)) === <u32>keyR ? 0 : 0xff000000;
			store<u32>(dst + ((<usize>i) << 2), (v * 0x010101) | a);
		}
	} else {
		const scale: u32 = depth === 1 ? 255 : depth === 2 ? 85 : 17;
		for (let i = 0; i < w; i++) {
			const raw = lowSample(src, i, depth);
			const v = raw * scale;
			const a: u32 = hasKey && raw === <u32>keyR ? 0 : 0xff000000;
			store<u32>(dst + ((<usize>i) << 2), (v * 0x010101) | a);
		}
	}
}
