/**
 * DB (differentiable binarisation) post-processing: from the detector's
 * per-pixel text probability to rotated text boxes. The map is binarised,
 * each 8-connected region becomes a minimum-area rectangle, weak regions are
 * dropped by their mean probability, and the survivors grow back by the
 * unclip offset, because DB learns to predict a shrunk text kernel.
 */
import { minAreaRect, type Point, type Quad, unclip } from "./geometry";

export interface DbOptions {
	/** Probability above which a pixel counts as text. */
	thresh: number;
	/** Minimum mean probability inside a box. */
	boxThresh: number;
	unclipRatio: number;
	maxCandidates: number;
	/** Shortest side a kernel may have, in map pixels. */
	minSize: number;
}

export const DB_DEFAULTS: DbOptions = {
	thresh: 0.3,
	boxThresh: 0.6,
	unclipRatio: 1.5,
	maxCandidates: 1000,
	minSize: 3,
};

export interface DetBox {
	quad: Quad;
	score: number;
}

export interface ProbMap {
	data: Float32Array;
	width: number;
	height: number;
}

/**
 * Outer boundary pixels of every 8-connected region of `mask`: the pixels
 * with a background (or off-map) 4-neighbour. Their convex hull equals the
 * region's, which is all a rotated rectangle needs.
 */
export function regionBoundaries(mask: Uint8Array, width: number, height: number, limit: number): Point[][] {
	const seen = new Uint8Array(width * height);
	const stack = new Int32Array(width * height);
	const regions: Point[][] = [];
	const on = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] === 1;
	for (let start = 0; start < mask.length && regions.length < limit; start++) {
		if (mask[start] !== 1 || seen[start]) continue;
		const boundary: Point[] = [];
		let top = 0;
		stack[top++] = start;
		seen[start] = 1;
		while (top > 0) {
			const i = stack[--top] as number;
			const x = i % width;
			const y = (i - x) / width;
			if (!on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1)) boundary.push([x, y]);
			for (let dy = -1; dy <= 1; dy++) {
				for (let dx = -1; dx <= 1; dx++) {
					const nx = x + dx;
					const ny = y + dy;
					if (!on(nx, ny)) continue;
					const j = ny * width + nx;
					if (seen[j]) continue;
					seen[j] = 1;
					stack[top++] = j;
				}
			}
		}
		regions.push(boundary);
	}
	return regions;
}

/** Mean of `map` over the pixels whose centres fall inside the convex quad (edges included). */
export function boxScore(map: ProbMap, quad: Quad): number {
	const xs = quad.map((p) => p[0]);
	const ys = quad.map((p) => p[1]);
	const x0 = Math.max(0, Math.floor(Math.min(...xs)));
	const x1 = Math.min(map.width - 1, Math.ceil(Math.max(...xs)));
	const y0 = Math.max(0, Math.floor(Math.min(...ys)));
	const y1 = Math.min(map.height - 1, Math.ceil(Math.max(...ys)));
	// Half-plane tests with half a pixel of slack so thin boxes still cover their own pixels.
	const edges = quad.map((a, i) => {
		const b = quad[(i + 1) % 4] as Point;
		const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
		return { ax: a[0], ay: a[1], nx: (b[1] - a[1]) / len, ny: -(b[0] - a[0]) / len };
	});
	let sum = 0;
	let count = 0;
	for (let y = y0; y <= y1; y++) {
		for (let x = x0; x <= x1; x++) {
			let inside = true;
			for (const e of edges) {
				if ((x - e.ax) * e.nx + (y - e.ay) * e.ny > 0.5) {
					inside = false;
					break;
				}
			}
			if (!inside) continue;
			sum += map.data[y * map.width + x] ?? 0;
			count++;
		}
	}
	return count > 0 ? sum / count : 0;
}

/** Text boxes in map coordinates, each with its mean probability. */
export function dbBoxes(map: ProbMap, options: Partial<DbOptions> = {}): DetBox[] {
	const o = { ...DB_DEFAULTS, ...options };
	const { width, height } = map;
	const mask = new Uint8Array(width * height);
	for (let i = 0; i < mask.length; i++) mask[i] = (map.data[i] ?? 0) > o.thresh ? 1 : 0;
	const boxes: DetBox[] = [];
	for (const region of regionBoundaries(mask, width, height, o.maxCandidates)) {
		const kernel = minAreaRect(region);
		if (kernel.short < o.minSize) continue;
		const score = boxScore(map, kernel.quad);
		if (score < o.boxThresh) continue;
		const grown = minAreaRect(unclip(kernel.quad, o.unclipRatio));
		if (grown.short < o.minSize + 2) continue;
		const clip = (p: Point): Point => [Math.min(Math.max(p[0], 0), width), Math.min(Math.max(p[1], 0), height)];
		boxes.push({ quad: grown.quad.map(clip) as Quad, score });
	}
	return boxes;
}
