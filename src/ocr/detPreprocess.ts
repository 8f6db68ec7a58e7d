/**
 * Detection input: the image scaled so both sides are multiples of 32 (the
 * detector downsamples five times) with the longer side under a limit, cut
 * into overlapping tiles of bounded area when it is large. ORT's wasm memory
 * grows with the largest tensor it ever sees and never shrinks, so the tile
 * area, not the image, sets the detector's memory peak. Tiles share the
 * full image's 32-pixel grid and their probability maps are stitched back
 * into one map, so text crossing a seam comes out as one box.
 */
import type { Pixels } from "../lib/pixels";

// PaddleOCR trains the detector on BGR images normalised with these per-index
// statistics, so index 0 (0.485 / 0.229) applies to blue.
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;
const ALIGN = 32;
const MAX_UPSCALE = 4;

export interface Size {
	width: number;
	height: number;
}

/**
 * Detector input size: longer side at most `limitSide` and, when
 * `minLongSide` is given, enlarged (at most MAX_UPSCALE times) to reach it;
 * both sides multiples of 32.
 */
export function detInputSize(width: number, height: number, limitSide: number, minLongSide = 0): Size {
	const long = Math.max(width, height);
	const floor = Math.min(minLongSide, limitSide);
	let ratio = 1;
	if (long > limitSide) ratio = limitSide / long;
	else if (long < floor) ratio = Math.min(floor / long, MAX_UPSCALE);
	const align = (v: number) => Math.max(ALIGN, Math.round((v * ratio) / ALIGN) * ALIGN);
	return { width: align(width), height: align(height) };
}

export interface Tile {
	x: number;
	y: number;
	width: number;
	height: number;
	/** The part of the tile whose probabilities go into the stitched map. */
	own: { x0: number; y0: number; x1: number; y1: number };
}

function span(total: number, parts: number, overlap: number): number {
	const raw = Math.ceil((total + (parts - 1) * overlap) / parts);
	return Math.min(total, Math.ceil(raw / ALIGN) * ALIGN);
}

function starts(total: number, size: number, parts: number): number[] {
	if (parts === 1) return [0];
	const out: number[] = [];
	for (let i = 0; i < parts; i++) {
		const s = Math.floor(((total - size) * i) / (parts - 1) / ALIGN) * ALIGN;
		out.push(i === parts - 1 ? total - size : s);
	}
	return out;
}

/** Each tile owns the range up to the middle of its overlap with the next one. */
function owned(begins: number[], size: number, total: number): [number, number][] {
	return begins.map((b, i) => {
		const lo = i === 0 ? 0 : Math.floor(((begins[i - 1] as number) + size + b) / 2);
		const next = begins[i + 1];
		const hi = next === undefined ? total : Math.floor((b + size + next) / 2);
		return [lo, hi];
	});
}

/**
 * The fewest tiles, each at most `maxArea` pixels, covering a width x height
 * input with at least `overlap` pixels shared across every seam.
 */
export function planTiles(width: number, height: number, maxArea: number, overlap: number): Tile[] {
	let best: { nx: number; ny: number; tw: number; th: number } | undefined;
	for (let n = 1; !best && n <= 4096; n++) {
		for (let nx = 1; nx <= n; nx++) {
			if (n % nx !== 0) continue;
			const ny = n / nx;
			const tw = span(width, nx, overlap);
			const th = span(height, ny, overlap);
			if (tw * th <= maxArea) {
				best = { nx, ny, tw, th };
				break;
			}
		}
	}
	if (!best) throw new RangeError(`cannot tile ${width}x${height} into ${maxArea}-pixel tiles`);
	const { nx, ny, tw, th } = best;
	const xs = starts(width, tw, nx);
	const ys = starts(height, th, ny);
	const ox = owned(xs, tw, width);
	const oy = owned(ys, th, height);
	const tiles: Tile[] = [];
	ys.forEach((y, j) => {
		xs.forEach((x, i) => {
			const [x0, x1] = ox[i] as [number, number];
			const [y0, y1] = oy[j] as [number, number];
			tiles.push({ x, y, width: tw, height: th, own: { x0, y0, x1, y1 } });
		});
	});
	return tiles;
}

/** NCHW float tensor of one tile of the resized image, channels in B, G, R order. */
export function detTensor(image: Pixels, tile: Pick<Tile, "x" | "y" | "width" | "height">): Float32Array {
	const { width: tw, height: th } = tile;
	const plane = tw * th;
	const out = new Float32Array(3 * plane);
	const scale = [1 / (255 * STD[0]), 1 / (255 * STD[1]), 1 / (255 * STD[2])];
	const shift = [MEAN[0] / STD[0], MEAN[1] / STD[1], MEAN[2] / STD[2]];
	const d = image.data;
	for (let y = 0; y < th; y++) {
		let p = ((tile.y + y) * image.width + tile.x) * 4;
		let o = y * tw;
		for (let x = 0; x < tw; x++, p += 4, o++) {
			out[o] = (d[p + 2] ?? 0) * (scale[0] as number) - (shift[0] as number);
			out[plane + o] = (d[p + 1] ?? 0) * (scale[1] as number) - (shift[1] as number);
			out[2 * plane + o] = (d[p] ?? 0) * (scale[2] as number) - (shift[2] as number);
		}
	}
	return out;
}

/** Copies the owned part of a tile's probability map into the stitched map. */
export function stitch(map: Float32Array, mapWidth: number, tile: Tile, prob: Float32Array): void {
	const { x0, y0, x1, y1 } = tile.own;
	for (let y = y0; y < y1; y++) {
		const src = (y - tile.y) * tile.width + (x0 - tile.x);
		map.set(prob.subarray(src, src + (x1 - x0)), y * mapWidth + x0);
	}
}
