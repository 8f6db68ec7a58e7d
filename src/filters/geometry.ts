// How a filter is cut into horizontal strips: full-width bands of output rows,
// each filtered together with `halo` input rows above and below so that the
// band's pixels do not see the strip's cut edges. Full width because the
// decoders and encoders work in rows, and because every row pass of the
// domain-transform filters then sees its whole row (only columns are cut).
//
// Halo per filter, from the reach of each filter's dependencies along a column:
// - oil: the window half-size. Exact: the output is bit for bit the whole-frame one.
// - sketch, color_sketch: one counting pass whose window in the transformed
//   domain has radius r = sqrt(3) * sigma_H0; the domain advances at least 1
//   per pixel, so the window spans at most r rows. Exact up to f32 rounding
//   of the domain's running sum (which starts at the strip's top).
// - watercolor, edge_preserving flags 2 (normalized convolution): three
//   row-then-column box passes of radii r, r/2, r/4, so reach 1.75 r (+1 for
//   stylization's Sobel). Exact in the same sense. Under a budget too tight
//   for that, r alone (nearHaloRows; measured, not exact).
// - edge_preserving flags 1, detail_enhance (recursive filter): every column
//   is one IIR sweep down and up, so nothing is exactly local; the error left
//   at the band decays at best as exp(-sqrt(2) / sigma_H0) per row (flat
//   regions), sigma_H0 = 0.873 sigma_s. One sigma_s was measured enough
//   (bench/README.md, "Full size in strips"): at sigma_s 60 on 2000x1500, 79
//   strips with 62 rows of halo stay within SSIM 0.99977 of the whole frame,
//   no byte off by more than 2; detail_enhance (sigma_s 10, 12 rows), 0.99986
//   and 5. Against OpenCV at 2000x1500, halos of 20 to 120 rows gave SSIM
//   0.9999-1.0000 (edge_preserving), so no more is bought with memory.

import { type Plan, planOf } from "./apply";
import { Kind } from "./kernels";
import { kernelMemoryFor } from "./layout";
import { type FilterParams, filterSpec, resolveFilterParams } from "./params";

/** Halo of the recursive filters, in units of sigma_s (see above). */
export const RF_HALO_SIGMAS = 1;

/** Working set (kernel memory plus the runner's JS buffers) a strip plan
 * aims under by default: 40 MiB, which leaves the 48 MB target room for the
 * source's and the sink's own buffers when those are small (a baseline
 * JPEG in, JPEG out); the route passes what its admission has left instead. */
export const STRIP_BUDGET_BYTES = 40 * 1024 * 1024;

/** The fewest output rows a strip carries, whatever the budget says. */
export const MIN_BAND = 16;

export interface StripGeometry {
	width: number;
	height: number;
	/** Output rows per strip (the last may be shorter); equals height for one strip. */
	band: number;
	/** Extra input rows above and below each band (0 for a single strip). */
	halo: number;
	/** The most input rows any kernel call gets: min(height, band + 2 halo). */
	rows: number;
	/** Kernel memory plus runner buffers, bytes (see stripWorkingSetBytes). */
	bytes: number;
}

function domainRadius(sigmaS: number, i: number): number {
	const f = Math.fround;
	return f(f(Math.sqrt(3)) * f((sigmaS * Math.sqrt(3) * 2 ** (2 - i)) / Math.sqrt(63)));
}

/** Input rows each side of a band that the band's output depends on. */
export function haloRows(plan: Plan, p: FilterParams): number {
	const s = p.sigma_s ?? 0;
	switch (plan.kind) {
		case Kind.oil:
			return plan.param;
		case Kind.pencil:
			return Math.ceil(domainRadius(s, 0)) + 2;
		case Kind.stylize:
		case Kind.edgeNC:
			return Math.ceil(domainRadius(s, 0) + domainRadius(s, 1) + domainRadius(s, 2)) + 3;
		case Kind.edgeRF:
		case Kind.detail:
			return Math.ceil(RF_HALO_SIGMAS * s) + 2;
	}
}

/**
 * A shorter halo for the normalized-convolution filters, used only when the
 * exact one leaves less than its own height of band (more than 3x the work):
 * the first pass's reach alone. Rows past it enter only the later, narrower
 * passes' windows at the band's edge, and there mostly where the image is
 * flat, where a cut window's mean barely moves. Measured at 2000x1500, sigma_s
 * 60, 94 strips (bench/filters/halo.mjs): its 94 rows left SSIM 0.99986
 * (watercolor) and 0.99997 (edge_preserving flags 2) against the whole frame,
 * no byte off by more than 1 (the exact 162: 0.99993 and 0.99999).
 */
export function nearHaloRows(plan: Plan, p: FilterParams): number {
	if (plan.kind !== Kind.stylize && plan.kind !== Kind.edgeNC) return haloRows(plan, p);
	return Math.ceil(domainRadius(p.sigma_s ?? 0, 0)) + 3;
}

/** Bytes held while one strip of `rows` input rows and `band` output rows
 * runs: the kernel's memory, the runner's window of input rows and the
 * band's output copy handed to the sink. The source's reads (READ_ROWS rows)
 * are the source's own (rowSourceBytes in src/codecs/rows.ts). */
function bytesFor(plan: Plan, w: number, rows: number, band: number): number {
	return kernelMemoryFor(plan.kind, w, rows, plan.param) + w * 4 * (rows + band);
}

function geometry(plan: Plan, w: number, h: number, budget: number, halo: number): StripGeometry {
	const whole = bytesFor(plan, w, h, h);
	const fits = (band: number) => bytesFor(plan, w, Math.min(h, band + 2 * halo), band) <= budget;
	if (whole <= budget || h <= MIN_BAND + 2 * halo)
		return { width: w, height: h, band: h, halo: 0, rows: h, bytes: whole };
	// Largest band that fits: bytes grow with the band, so bisect.
	let lo = MIN_BAND;
	let hi = h;
	while (lo < hi) {
		const mid = Math.ceil((lo + hi) / 2);
		if (fits(mid)) lo = mid;
		else hi = mid - 1;
	}
	const rows = Math.min(h, lo + 2 * halo);
	if (rows >= h) return { width: w, height: h, band: h, halo: 0, rows: h, bytes: whole };
	return { width: w, height: h, band: lo, halo, rows, bytes: bytesFor(plan, w, rows, lo) };
}

/** The strip plan of one filter on a width x height image under `budget`:
 * the exact halo, or nearHaloRows' when the budget is too tight for it
 * (`halo` overrides both, as in filterStrips' options). */
export function stripGeometry(
	name: string,
	width: number,
	height: number,
	params: Partial<FilterParams> = {},
	budget = STRIP_BUDGET_BYTES,
	halo?: number,
): StripGeometry {
	const spec = filterSpec(name);
	const full = resolveFilterParams(spec.name, params);
	const plan = planOf(spec.name, full);
	if (halo !== undefined) return geometry(plan, width, height, budget, halo);
	const exact = geometry(plan, width, height, budget, haloRows(plan, full));
	if (exact.halo === 0 || exact.band >= exact.halo) return exact;
	const near = geometry(plan, width, height, budget, nearHaloRows(plan, full));
	return near.band > exact.band || near.bytes < exact.bytes ? near : exact;
}

/**
 * Working set, in bytes, of filtering a whole width x height image in strips
 * with filterStrips (same budget): kernel memory plus the runner's buffers,
 * the source's and sink's own aside. Pure arithmetic: no kernel is created,
 * so admission can reserve this before any memory is taken.
 */
export function stripWorkingSetBytes(
	name: string,
	width: number,
	height: number,
	params: Partial<FilterParams> = {},
	budget = STRIP_BUDGET_BYTES,
): number {
	return stripGeometry(name, width, height, params, budget).bytes;
}
