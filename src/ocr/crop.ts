/**
 * Cuts a text box out of the image as an upright rectangle: a perspective
 * warp maps the box's four corners onto the corners of a width x height
 * image, so rotated and skewed lines come out straight. Lines much taller
 * than wide are turned a quarter, as vertical text is read by the same
 * horizontal recogniser.
 */
import { turnClockwise } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import type { Point, Quad } from "./geometry";
import { quadSize } from "./geometry";

/** Tall crops (height / width at least this) are treated as vertical text. */
export const VERTICAL_RATIO = 1.5;

/** Solves the 8 unknowns of the homography taking `from[i]` to `to[i]`. */
export function homography(from: readonly Point[], to: readonly Point[]): number[] {
	const a: number[][] = [];
	for (let i = 0; i < 4; i++) {
		const [x, y] = from[i] as Point;
		const [u, v] = to[i] as Point;
		a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
		a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
	}
	// Gauss-Jordan elimination with partial pivoting on the 8x9 augmented matrix.
	for (let c = 0; c < 8; c++) {
		let pivot = c;
		for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]?.[c] ?? 0) > Math.abs(a[pivot]?.[c] ?? 0)) pivot = r;
		const rowP = a[pivot] as number[];
		if (Math.abs(rowP[c] ?? 0) < 1e-12) throw new RangeError("degenerate quadrilateral");
		a[pivot] = a[c] as number[];
		a[c] = rowP;
		const pv = rowP[c] as number;
		for (let k = c; k < 9; k++) rowP[k] = (rowP[k] as number) / pv;
		for (let r = 0; r < 8; r++) {
			if (r === c) continue;
			const row = a[r] as number[];
			const f = row[c] as number;
			if (f === 0) continue;
			for (let k = c; k < 9; k++) row[k] = (row[k] as number) - f * (rowP[k] as number);
		}
	}
	return [...a.map((row) => row[8] as number), 1];
}

/** Bilinear sample with edge replication, written into out[o..o+3]. */
function sample(src: Pixels, x: number, y: number, out: Uint8ClampedArray, o: number): void {
	const { width: w, height: h, data: d } = src;
	const cx = Math.min(Math.max(x, 0), w - 1);
	const cy = Math.min(Math.max(y, 0), h - 1);
	const x0 = Math.floor(cx);
	const y0 = Math.floor(cy);
	const x1 = Math.min(x0 + 1, w - 1);
	const y1 = Math.min(y0 + 1, h - 1);
	const fx = cx - x0;
	const fy = cy - y0;
	const p00 = (y0 * w + x0) * 4;
	const p01 = (y0 * w + x1) * 4;
	const p10 = (y1 * w + x0) * 4;
	const p11 = (y1 * w + x1) * 4;
	for (let c = 0; c < 4; c++) {
		const top = (d[p00 + c] as number) * (1 - fx) + (d[p01 + c] as number) * fx;
		const bottom = (d[p10 + c] as number) * (1 - fx) + (d[p11 + c] as number) * fx;
		out[o + c] = top * (1 - fy) + bottom * fy;
	}
}

/**
 * How a box's crop relates to the image: the homography taking crop pixels
 * to image points, the crop's size before any turn, and whether it is turned
 * a quarter (vertical text) before reading.
 */
export interface CropFrame {
	m: number[];
	width: number;
	height: number;
	vertical: boolean;
}

export function cropFrame(quad: Quad): CropFrame {
	const size = quadSize(quad);
	const width = Math.max(1, Math.round(size.width));
	const height = Math.max(1, Math.round(size.height));
	const target: Point[] = [
		[0, 0],
		[width, 0],
		[width, height],
		[0, height],
	];
	return { m: homography(target, quad), width, height, vertical: height / width >= VERTICAL_RATIO };
}

function project(m: number[], u: number, v: number): Point {
	const den = (m[6] as number) * u + (m[7] as number) * v + 1;
	return [
		((m[0] as number) * u + (m[1] as number) * v + (m[2] as number)) / den,
		((m[3] as number) * u + (m[4] as number) * v + (m[5] as number)) / den,
	];
}

/**
 * The image point under (u, v) of the crop as the recogniser saw it: after
 * the quarter turn of vertical text and, when `flipped`, the half turn the
 * line classifier asked for. The turns are undone first, in reverse order.
 */
export function cropToImage(frame: CropFrame, u: number, v: number, flipped: boolean): Point {
	const readWidth = frame.vertical ? frame.height : frame.width;
	const readHeight = frame.vertical ? frame.width : frame.height;
	if (flipped) [u, v] = [readWidth - u, readHeight - v];
	// A quarter turn counter-clockwise took crop (x, y) to (y, width - x).
	if (frame.vertical) [u, v] = [frame.width - v, u];
	return project(frame.m, u, v);
}

/** The box as an upright image; corners map to corners, top-left first. */
export function cropQuad(src: Pixels, quad: Quad, frame = cropFrame(quad)): Pixels {
	const { m, width, height } = frame;
	const data = new Uint8ClampedArray(width * height * 4);
	for (let y = 0; y < height; y++) {
		// Box corners are pixel indices (as in OpenCV): destination pixel (x, y) maps straight through.
		// project() inlined: this runs per crop pixel, and a point array each would be garbage.
		for (let x = 0; x < width; x++) {
			const den = (m[6] as number) * x + (m[7] as number) * y + 1;
			const sx = ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / den;
			const sy = ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / den;
			sample(src, sx, sy, data, (y * width + x) * 4);
		}
	}
	const crop = { data, width, height };
	return frame.vertical ? turnClockwise(crop, 270) : crop;
}
