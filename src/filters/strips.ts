// The strip runner: a filter over an image that is never whole in memory.
// Rows are pulled from a RowSource top to bottom, filtered a band at a time
// (with the halo of geometry.ts), and the finished rows are pushed to a
// RowSink in order. The kernel is laid out for one strip, so its memory is
// that of the strip, not of the frame.

import { UnprocessableError } from "../lib/errors";
import type { Pixels } from "../lib/pixels";
import type { RowSink, RowSource } from "../lib/strips";
import { planOf, runInKernel } from "./apply";
import { type StripGeometry, stripGeometry } from "./geometry";
import { type FilterParams, filterSpec, resolveFilterParams } from "./params";

export interface StripRun extends StripGeometry {
	/** What the sink's end() gave: the encoded file. */
	output: Uint8Array;
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

/** Rows asked of the source per read: small, so the source's queue and the
 * strip it hands out stay small (price the source with rowSourceBytes(plan,
 * READ_ROWS)); big enough that a read's own cost is negligible. */
export const READ_ROWS = 64;

function cut(msg: string): UnprocessableError {
	return new UnprocessableError("truncated_image", msg);
}

/**
 * Filters the image `source` yields into `sink`, in strips, and ends the sink
 * (as pump in src/lib/strips.ts does: the sink is aborted on any failure, the
 * source closed in every case). Reads at most READ_ROWS rows at a time. The
 * result equals applyFilter on the whole image when that fits the budget (one
 * strip); else geometry.ts says how close each filter stays. Errors as
 * applyFilter's, plus a 422 `truncated_image` when the source ends early or
 * breaks its contract (another width, more rows than asked).
 */
export async function filterStrips(
	name: string,
	source: RowSource,
	sink: RowSink,
	params: Partial<FilterParams> = {},
	options: StripOptions = {},
): Promise<StripRun> {
	try {
		const spec = filterSpec(name);
		const full = resolveFilterParams(spec.name, params);
		const { width: w, height: h } = source;
		if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
			throw new UnprocessableError("empty_image", "the image has no pixels");
		}
		if (sink.width !== w || sink.height !== h) {
			throw new RangeError(`a ${w}x${h} source cannot feed a ${sink.width}x${sink.height} sink`);
		}
		const plan = planOf(spec.name, full);
		const g = stripGeometry(spec.name, w, h, full, options.budget, options.halo);
		const rowB = w * 4;
		// Input rows [top, got) of the current strip; the next strip's top rows
		// are the tail of this one's, so they move down instead of being re-read.
		const window = new Uint8Array(g.rows * rowB);
		const done = new Uint8ClampedArray(g.band * rowB);
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
				const ask = Math.min(READ_ROWS, to - got);
				const px = await source.read(ask);
				if (px === null) throw cut(`the image ended after ${got} of its ${h} rows`);
				if (px.width !== w || px.height < 1 || px.height > ask || px.data.length !== px.height * rowB) {
					throw cut(`a read of ${ask} rows gave ${px.width}x${px.height} pixels`);
				}
				window.set(px.data, (got - top) * rowB);
				got += px.height;
			}
			const rows = to - from;
			const t = performance.now();
			// A copy, not a view of kernel memory: while the sink awaits, another
			// request may run a filter on the same instance and overwrite it. One
			// buffer serves every band: a sink reads a strip once and keeps none of
			// it (RowSink), so a fresh copy per band would only be garbage.
			const data = runInKernel(
				spec.name,
				plan,
				full,
				w,
				rows,
				(buf) => buf.set(window.subarray(0, rows * rowB)),
				(buf) => {
					done.set(buf.subarray((y0 - from) * rowB, (y1 - from) * rowB));
					return done.subarray(0, (y1 - y0) * rowB);
				},
			);
			kernelMs += performance.now() - t;
			strips++;
			await sink.write({ data, width: w, height: y1 - y0 });
		}
		return { ...g, output: await sink.end(), strips, kernelMs };
	} catch (e) {
		sink.abort();
		throw e;
	} finally {
		source.close();
	}
}

/** A RowSource over an image already in memory (tests, benches). */
export function pixelRows(px: Pixels): RowSource {
	let y = 0;
	const rowB = px.width * 4;
	return {
		width: px.width,
		height: px.height,
		heldBytes: 0,
		async read(rows: number) {
			if (y >= px.height) return null;
			const n = Math.min(rows, px.height - y);
			const data = px.data.subarray(y * rowB, (y + n) * rowB);
			y += n;
			return { data, width: px.width, height: n };
		},
		close() {},
	};
}

/** A RowSink that gathers the strips into one image, which end() gives as raw RGBA (tests, benches). */
export function pixelsSink(width: number, height: number): RowSink & { pixels: Pixels } {
	const pixels: Pixels = { data: new Uint8ClampedArray(width * height * 4), width, height };
	let y = 0;
	return {
		width,
		height,
		pixels,
		heldBytes: width * height * 4,
		async write(strip: Pixels) {
			pixels.data.set(strip.data, y * width * 4);
			y += strip.height;
		},
		async end() {
			if (y !== height) throw new RangeError(`${y} of ${height} rows written`);
			return new Uint8Array(pixels.data.buffer);
		},
		abort() {},
	};
}
