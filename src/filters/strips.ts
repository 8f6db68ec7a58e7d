// The strip runner: a filter over an image that is never whole in memory.
// Rows are pulled from a RowSource top to bottom, filtered a band at a time
// (with the halo of geometry.ts), and the finished rows are pushed to a
// RowSink in order. The kernel is laid out for one strip, so its memory is
// that of the strip, not of the frame.

import { UnprocessableError } from "../lib/errors";
import type { Pixels } from "../lib/pixels";
import { copyOut, planOf, runInKernel } from "./apply";
import { type StripGeometry, stripGeometry } from "./geometry";
import { type FilterParams, filterSpec, resolveFilterParams } from "./params";

/** RGBA rows of one image, handed out top to bottom. */
export interface RowSource {
	readonly width: number;
	readonly height: number;
	/** The next rows: at least 1 and at most `rows` of them, `width` wide,
	 * or null once the image has been read to its end. */
	read(rows: number): Pixels | null | Promise<Pixels | null>;
}

/** Takes finished RGBA rows in order, a strip at a time; may keep `strip`. */
export interface RowSink {
	write(strip: Pixels): void | Promise<void>;
}

export interface StripRun extends StripGeometry {
	/** Kernel calls made. */
	strips: number;
	/** Milliseconds spent in the kernel calls (copies in and out included). */
	kernelMs: number;
}

export interface StripOptions {
	/** Working set to plan under (STRIP_BUDGET_BYTES by default). */
	budget?: number;
	/** Halo rows instead of the filter's own (haloRows): for measuring how much
	 * a recursive filter needs; a smaller one than haloRows is not exact. */
	halo?: number;
}

function cut(msg: string): UnprocessableError {
	return new UnprocessableError("truncated_image", msg);
}

/**
 * Filters the image `source` yields into `sink`, in strips. The result equals
 * applyFilter on the whole image when that fits `budget` (one strip); else
 * see geometry.ts for how close each filter stays (`options`: budget, halo). Errors as applyFilter's,
 * plus a 422 `truncated_image` when the source ends early or breaks its
 * contract (wrong width, more rows than asked).
 */
export async function filterStrips(
	name: string,
	source: RowSource,
	sink: RowSink,
	params: Partial<FilterParams> = {},
	options: StripOptions = {},
): Promise<StripRun> {
	const spec = filterSpec(name);
	const full = resolveFilterParams(spec.name, params);
	const { width: w, height: h } = source;
	if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
		throw new UnprocessableError("empty_image", "the image has no pixels");
	}
	const plan = planOf(spec.name, full);
	const g = stripGeometry(spec.name, w, h, full, options.budget, options.halo);
	const rowB = w * 4;
	// Input rows [top, got) of the current strip; the next strip's top rows
	// are the tail of this one's, so they move down instead of being re-read.
	const window = new Uint8Array(g.rows * rowB);
	let top = 0;
	let got = 0;
	let strips = 0;
	let kernelMs = 0;
	for (let y0 = 0; y0 < h; y0 += g.band) {
		const y1 = Math.min(h, y0 + g.band);
		const from = Math.max(0, y0 - g.halo);
		const to = Math.min(h, y1 + g.halo);
		if (from > top) {
			window.copyWithin(0, (from - top) * rowB, (got - top) * rowB);
			top = from;
		}
		while (got < to) {
			const px = await source.read(to - got);
			if (px === null) throw cut(`the image ended after ${got} of its ${h} rows`);
			if (px.width !== w || px.height < 1 || px.height > to - got || px.data.length !== px.height * rowB) {
				throw cut(`a read of ${to - got} rows gave ${px.width}x${px.height} pixels`);
			}
			window.set(px.data, (got - top) * rowB);
			got += px.height;
		}
		const rows = to - from;
		const t = performance.now();
		const data = runInKernel(
			spec.name,
			plan,
			full,
			w,
			rows,
			(buf) => buf.set(window.subarray(0, rows * rowB)),
			(buf) => copyOut(buf.subarray((y0 - from) * rowB, (y1 - from) * rowB)),
		);
		kernelMs += performance.now() - t;
		strips++;
		await sink.write({ data, width: w, height: y1 - y0 });
	}
	return { ...g, strips, kernelMs };
}

/** A RowSource over an image already in memory (tests, benches, small inputs). */
export function pixelRows(px: Pixels): RowSource {
	let y = 0;
	const rowB = px.width * 4;
	return {
		width: px.width,
		height: px.height,
		read(rows: number) {
			if (y >= px.height) return null;
			const n = Math.min(rows, px.height - y);
			const data = px.data.subarray(y * rowB, (y + n) * rowB);
			y += n;
			return { data, width: px.width, height: n };
		},
	};
}

/** A RowSink that assembles the strips into one image (tests, benches). */
export function pixelsSink(width: number, height: number): RowSink & { pixels: Pixels } {
	const pixels: Pixels = { data: new Uint8ClampedArray(width * height * 4), width, height };
	let y = 0;
	return {
		pixels,
		write(strip: Pixels) {
			pixels.data.set(strip.data, y * width * 4);
			y += strip.height;
		},
	};
}
