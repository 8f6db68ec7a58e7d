import type { Rect, Size } from "./fit";
import type { Rgba } from "./fit-params";
import type { Pixels } from "./pixels";

/** A copy of one rectangle of an image (whole pixels, inside the image). */
export function cropPixels(src: Pixels, r: Rect): Pixels {
	if (r.x === 0 && r.y === 0 && r.width === src.width && r.height === src.height) return src;
	const out = new Uint8ClampedArray(r.width * r.height * 4);
	for (let y = 0; y < r.height; y++) {
		const from = ((r.y + y) * src.width + r.x) * 4;
		out.set(src.data.subarray(from, from + r.width * 4), y * r.width * 4);
	}
	return { data: out, width: r.width, height: r.height };
}

/** The image on a canvas of `size` filled with `background`, its top left corner at (left, top). */
export function padPixels(src: Pixels, size: Size, left: number, top: number, background: Rgba): Pixels {
	if (size.width === src.width && size.height === src.height) return src;
	const out = new Uint8ClampedArray(size.width * size.height * 4);
	const fill = new Uint8ClampedArray(background);
	const word = new Uint32Array(fill.buffer)[0]!;
	new Uint32Array(out.buffer).fill(word);
	for (let y = 0; y < src.height; y++) {
		const from = y * src.width * 4;
		out.set(src.data.subarray(from, from + src.width * 4), ((top + y) * size.width + left) * 4);
	}
	return { data: out, width: size.width, height: size.height };
}

/**
 * Bilinear enlargement of the region `r` of `src` (fractional source
 * coordinates) to outW x outH, pixel centres mapped to pixel centres. Colour
 * is interpolated premultiplied by alpha, as the downscaler averages it.
 * Only enlargements come here: a decoder shrinks better than any resampler.
 */
export function enlargeRegion(
	src: Pixels,
	r: { x: number; y: number; width: number; height: number },
	outW: number,
	outH: number,
): Pixels {
	const { width: W, height: H, data: s } = src;
	const out = new Uint8ClampedArray(outW * outH * 4);
	const sx = r.width / outW;
	const sy = r.height / outH;
	const x0 = new Int32Array(outW);
	const fx = new Float32Array(outW);
	for (let i = 0; i < outW; i++) {
		const x = Math.min(Math.max(r.x + (i + 0.5) * sx - 0.5, 0), W - 1);
		x0[i] = Math.min(Math.floor(x), W - 2 < 0 ? 0 : W - 2);
		fx[i] = W === 1 ? 0 : x - x0[i]!;
	}
	for (let j = 0; j < outH; j++) {
		const y = Math.min(Math.max(r.y + (j + 0.5) * sy - 0.5, 0), H - 1);
		const ya = Math.min(Math.floor(y), H - 2 < 0 ? 0 : H - 2);
		const fy = H === 1 ? 0 : y - ya;
		const yb = Math.min(ya + 1, H - 1);
		const rowA = ya * W;
		const rowB = yb * W;
		for (let i = 0; i < outW; i++) {
			const xa = x0[i]!;
			const xb = Math.min(xa + 1, W - 1);
			const wx = fx[i]!;
			const o = (j * outW + i) * 4;
			// Premultiplied weights of the four neighbours: (1-wx)(1-fy), wx(1-fy), (1-wx)fy, wx fy.
			const p0 = (rowA + xa) * 4;
			const p1 = (rowA + xb) * 4;
			const p2 = (rowB + xa) * 4;
			const p3 = (rowB + xb) * 4;
			const w0 = s[p0 + 3]! * (1 - wx) * (1 - fy);
			const w1 = s[p1 + 3]! * wx * (1 - fy);
			const w2 = s[p2 + 3]! * (1 - wx) * fy;
			const w3 = s[p3 + 3]! * wx * fy;
			const a0 = w0 + w1 + w2 + w3;
			if (a0 > 0) {
				for (let c = 0; c < 3; c++)
					out[o + c] = (s[p0 + c]! * w0 + s[p1 + c]! * w1 + s[p2 + c]! * w2 + s[p3 + c]! * w3) / a0;
			}
			out[o + 3] = a0;
		}
	}
	return { data: out, width: outW, height: outH };
}

/**
 * gravity=auto: the window of size w x h holding the most detail, measured as
 * gradient energy (|dx| + |dy| of luma) summed per column and per row, each
 * axis placed independently. On a tie (a flat image) the window nearest the
 * centre wins, so plain images crop as gravity=center does.
 */
export function detailWindow(src: Pixels, w: number, h: number): { x: number; y: number } {
	const { width: W, height: H, data } = src;
	const cols = new Float64Array(W);
	const rows = new Float64Array(H);
	// Two rows of luma at a time, so the measure holds no copy of the image.
	let cur = new Float32Array(W);
	let next = new Float32Array(W);
	const lumaRow = (y: number, into: Float32Array) => {
		for (let x = 0, p = y * W * 4; x < W; x++, p += 4)
			into[x] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
	};
	lumaRow(0, cur);
	for (let y = 0; y < H; y++) {
		if (y + 1 < H) lumaRow(y + 1, next);
		let sum = 0;
		for (let x = 0; x < W; x++) {
			const v = cur[x]!;
			const dx = x + 1 < W ? Math.abs(cur[x + 1]! - v) : 0;
			const dy = y + 1 < H ? Math.abs(next[x]! - v) : 0;
			cols[x] += dx + dy;
			sum += dx + dy;
		}
		rows[y] = sum;
		[cur, next] = [next, cur];
	}
	return { x: bestWindow(cols, w), y: bestWindow(rows, h) };
}

function bestWindow(energy: Float64Array, size: number): number {
	const n = energy.length;
	if (size >= n) return 0;
	let sum = 0;
	for (let i = 0; i < size; i++) sum += energy[i]!;
	const centre = (n - size) / 2;
	let best = 0;
	let bestSum = sum;
	for (let start = 1; start + size <= n; start++) {
		sum += energy[start + size - 1]! - energy[start - 1]!;
		// Sums drift by float rounding as the window slides; compare with a tolerance.
		const better = sum > bestSum + 1e-6 * Math.max(1, bestSum);
		const tie = !better && Math.abs(sum - bestSum) <= 1e-6 * Math.max(1, bestSum);
		if (better || (tie && Math.abs(start - centre) < Math.abs(best - centre))) {
			best = start;
			bestSum = sum;
		}
	}
	return best;
}
