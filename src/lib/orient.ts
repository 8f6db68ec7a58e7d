import type { Pixels } from "./pixels";

/**
 * Applies an EXIF orientation (1-8) so pixels come out as a viewer shows them.
 * For each display pixel we look up its source pixel; orientations 5-8 swap
 * width and height.
 */
export function applyOrientation(src: Pixels, orientation: number): Pixels {
	if (orientation < 2 || orientation > 8) return src;
	const { width: W, height: H } = src;
	const swap = orientation >= 5;
	const outW = swap ? H : W;
	const outH = swap ? W : H;
	// One 32-bit word per pixel; copy first if the view is not word-aligned.
	const aligned = src.data.byteOffset % 4 === 0 ? src.data : src.data.slice();
	const s = new Uint32Array(aligned.buffer, aligned.byteOffset, W * H);
	const out = new Uint8ClampedArray(outW * outH * 4);
	const d = new Uint32Array(out.buffer);
	const source = sourceOf(orientation, W, H);
	for (let y = 0; y < outH; y++) {
		for (let x = 0; x < outW; x++) d[y * outW + x] = s[source(x, y)]!;
	}
	return { data: out, width: outW, height: outH };
}

/** Index of the stored pixel that lands at display position (x, y). */
function sourceOf(orientation: number, W: number, H: number): (x: number, y: number) => number {
	switch (orientation) {
		case 2: // mirrored left-right
			return (x, y) => y * W + (W - 1 - x);
		case 3: // turned half way
			return (x, y) => (H - 1 - y) * W + (W - 1 - x);
		case 4: // mirrored top-bottom
			return (x, y) => (H - 1 - y) * W + x;
		case 5: // transposed
			return (x, y) => x * W + y;
		case 6: // needs a quarter turn clockwise
			return (x, y) => (H - 1 - x) * W + y;
		case 7: // transversed
			return (x, y) => (H - 1 - x) * W + (W - 1 - y);
		default: // 8: needs a quarter turn counter-clockwise
			return (x, y) => x * W + (W - 1 - y);
	}
}

const TURNS = { 0: 1, 90: 6, 180: 3, 270: 8 } as const;

/** Turns the pixels clockwise by a quarter-turn multiple: the EXIF orientations that only turn. */
export function turnClockwise(src: Pixels, degrees: keyof typeof TURNS): Pixels {
	return applyOrientation(src, TURNS[degrees]);
}
