/**
 * Inputs of the line models (angle classifier and recogniser): each crop
 * scaled to a fixed height keeping its aspect ratio, normalised to [-1, 1]
 * in B, G, R order as PaddleOCR trains them, and padded on the right with 0
 * (mid grey) to the batch width. Crops of similar aspect ratio are batched
 * together so little of a batch is padding, and a batch is bounded in
 * columns because the recogniser's working memory grows with batch x width.
 */
import type { Pixels } from "../lib/pixels";
import { resize } from "./resample";

export const LINE_HEIGHT = 48;

/** Width of a crop scaled to `height`, at least 1 and at most `maxWidth`. */
export function scaledWidth(crop: { width: number; height: number }, maxWidth: number, height = LINE_HEIGHT): number {
	return Math.max(1, Math.min(maxWidth, Math.ceil((height * crop.width) / Math.max(1, crop.height))));
}

/** NCHW tensor [crops.length, 3, height, width]. */
export function lineTensor(crops: readonly Pixels[], width: number, height = LINE_HEIGHT): Float32Array {
	const plane = width * height;
	const out = new Float32Array(crops.length * 3 * plane);
	crops.forEach((crop, n) => {
		const line = resize(crop, scaledWidth(crop, width, height), height);
		const base = n * 3 * plane;
		const d = line.data;
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < line.width; x++) {
				const p = (y * line.width + x) * 4;
				const o = base + y * width + x;
				out[o] = (d[p + 2] as number) / 127.5 - 1;
				out[o + plane] = (d[p + 1] as number) / 127.5 - 1;
				out[o + 2 * plane] = (d[p] as number) / 127.5 - 1;
			}
		}
	});
	return out;
}

export interface BatchPlan {
	/** Indices into the crop list, in batch order. */
	indices: number[];
	/** Common input width of the batch. */
	width: number;
}

export interface BatchLimits {
	maxBatch: number;
	/** Upper bound on batch size x width, the recogniser's memory driver. */
	maxColumns: number;
	/** Narrowest input (the recogniser is trained on 320-wide lines). */
	minWidth: number;
	maxWidth: number;
}

/**
 * Groups crops by aspect ratio (narrowest first). A batch's width fits its
 * widest member; a batch closes when one more crop would exceed the batch
 * size or the column budget.
 */
export function planBatches(ratios: readonly number[], limits: BatchLimits, height = LINE_HEIGHT): BatchPlan[] {
	const order = ratios.map((r, i) => ({ r, i })).sort((a, b) => a.r - b.r || a.i - b.i);
	const widthOf = (r: number) => Math.min(limits.maxWidth, Math.max(limits.minWidth, Math.ceil(height * r)));
	const plans: BatchPlan[] = [];
	let current: BatchPlan | undefined;
	for (const { r, i } of order) {
		const width = widthOf(r);
		if (
			current &&
			current.indices.length < limits.maxBatch &&
			(current.indices.length + 1) * width <= limits.maxColumns
		) {
			current.indices.push(i);
			current.width = width;
			continue;
		}
		current = { indices: [i], width };
		plans.push(current);
	}
	return plans;
}
