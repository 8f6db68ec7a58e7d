import type { Pixels } from "./pixels";

/**
 * Size after shrinking a width x height image so its longer side is at most
 * maxSide: the one rounding rule the decoders, the resampler and admission
 * share. Never enlarges.
 */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
	const r = Math.min(1, maxSide / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * r)), height: Math.max(1, Math.round(height * r)) };
}

/** For each source index, the first output cell it touches and the share that lands there. */
function footprints(inSize: number, outSize: number): { cell: Int32Array; share: Float32Array; scale: number } {
	const scale = outSize / inSize;
	const cell = new Int32Array(inSize);
	const share = new Float32Array(inSize);
	for (let i = 0; i < inSize; i++) {
		const start = i * scale;
		const first = Math.floor(start);
		cell[i] = first;
		// The footprint [start, start + scale) crosses at most one cell border since scale <= 1.
		share[i] = Math.min(start + scale, first + 1) - start;
	}
	return { cell, share, scale };
}

/**
 * Area-averaging downscale to outW x outH (each no larger than the source's). Every source
 * pixel spreads its colour over the output cells its footprint overlaps, in
 * proportion to the overlap, which is exact box filtering with no aliasing.
 * Colour is averaged premultiplied by alpha, so transparent pixels' hidden
 * colour never bleeds into visible ones. Streams row by row: the working set
 * is two output rows of floats, whatever the input size.
 */
export function resizeArea(src: Pixels, outW: number, outH: number): Pixels {
	const { width: inW, height: inH, data: s } = src;
	const xs = footprints(inW, outW);
	const ys = footprints(inH, outH);
	const out = new Uint8ClampedArray(outW * outH * 4);
	// Accumulators for the current output row and the next (a source row may straddle both).
	let cur = new Float64Array(outW * 4);
	let next = new Float64Array(outW * 4);
	const row = new Float64Array(outW * 4);
	let outY = 0;
	for (let y = 0; y < inH; y++) {
		row.fill(0);
		const base = y * inW * 4;
		for (let x = 0; x < inW; x++) {
			const p = base + x * 4;
			const a = s[p + 3]!;
			const r = s[p]! * a;
			const g = s[p + 1]! * a;
			const b = s[p + 2]! * a;
			const c = xs.cell[x]! * 4;
			const w0 = xs.share[x]!;
			row[c] += r * w0;
			row[c + 1] += g * w0;
			row[c + 2] += b * w0;
			row[c + 3] += a * w0;
			const w1 = xs.scale - w0;
			if (w1 > 1e-9 && c + 4 < row.length) {
				row[c + 4] += r * w1;
				row[c + 5] += g * w1;
				row[c + 6] += b * w1;
				row[c + 7] += a * w1;
			}
		}
		const v0 = ys.share[y]!;
		const v1 = ys.scale - v0;
		// Rows are flushed as soon as they are complete, so this row's first cell is always `cur`.
		for (let i = 0; i < row.length; i++) cur[i] += row[i]! * v0;
		if (v1 > 1e-9) for (let i = 0; i < row.length; i++) next[i] += row[i]! * v1;
		// A row is complete once no later source row can reach it.
		const reaches = y + 1 < inH ? ys.cell[y + 1]! : outH;
		while (outY < reaches && outY < outH) {
			writeRow(cur, out, outY * outW * 4);
			[cur, next] = [next, cur];
			next.fill(0);
			outY++;
		}
	}
	return { data: out, width: outW, height: outH };
}

// Footprints tile each output cell exactly, so the weights into a cell sum to 1.
function writeRow(acc: Float64Array, out: Uint8ClampedArray, offset: number): void {
	for (let i = 0; i < acc.length; i += 4) {
		const alphaSum = acc[i + 3]!;
		const o = offset + i;
		if (alphaSum <= 0) {
			out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
			continue;
		}
		// Un-premultiply; alpha itself is a plain area average. The clamped store rounds.
		out[o] = acc[i]! / alphaSum;
		out[o + 1] = acc[i + 1]! / alphaSum;
		out[o + 2] = acc[i + 2]! / alphaSum;
		out[o + 3] = alphaSum;
	}
}
