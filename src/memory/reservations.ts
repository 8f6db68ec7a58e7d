import { type DecodePlan, decodePhaseBytes, encodeHeapBytes, type OutputFormat } from "../codecs";
import { type FilterName, type FilterParams, filterWorkingSetBytes } from "../filters";
import { MIN_OCR_VIEW_SIDE, ocrPhaseBytes, ocrRuntimeBytes } from "../ocr/memory";
import type { RenderPlan, StyleJob } from "../style/render";
import type { Reservation } from "./admit";

/**
 * Peak bytes an image request holds, from the header alone: the decode phase
 * (the decoder's memory and the preview it writes; src/codecs/plan.ts), or
 * what the request holds after it (`afterBytes`: the preview, its copies and
 * the working sets of what runs on it), whichever is larger.
 */
export function estimateWorkingSet(plan: DecodePlan, afterBytes: number): number {
	return Math.max(decodePhaseBytes(plan), afterBytes);
}

/**
 * What a styled request reserves for one decode to the preview, the filters
 * run on it and the encodes of their results. After the decode the preview's
 * RGBA in and out are alive with either the largest kernel working set among
 * the filters or the encoder's heap: filters and encodes run one after
 * another, and the decoder is gone by then.
 */
export function styleReservation(
	plan: DecodePlan,
	filters: readonly (readonly [FilterName, FilterParams])[],
	format: OutputFormat,
): Reservation {
	const { width, height } = plan;
	const kernels = Math.max(0, ...filters.map(([name, params]) => filterWorkingSetBytes(name, width, height, params)));
	const pixels = 8 * width * height;
	const encode = pixels + encodeHeapBytes(format, width, height);
	return { plan, bytes: Math.max(estimateWorkingSet(plan, pixels + kernels), encode) };
}

/**
 * What one sized styled output reserves (POST and GET /api/style/:name),
 * phase by phase: the decode; the decoded image with its crop (a copy only
 * when something is cut or enlarged); the filter's input and output with its
 * kernel; then the styled crop beside the padded canvas (or its own copy, as
 * styleReservation counts it) and the encoder's heap. Each phase has dropped
 * the previous one's images.
 */
export function renderReservation(plan: RenderPlan, job: StyleJob): Reservation {
	const decoded = 4 * plan.decode.width * plan.decode.height;
	const { crop, output, scaled } = plan.fit;
	const work = 4 * crop.width * crop.height;
	const copied = plan.enlarge || crop.width !== scaled.width || crop.height !== scaled.height;
	const cropping = decoded + (copied ? work : 0);
	const filtering = 2 * work + filterWorkingSetBytes(job.name, crop.width, crop.height, job.params);
	const padded = output.width !== crop.width || output.height !== crop.height;
	const canvas = padded ? 4 * output.width * output.height : work;
	const encoding = work + canvas + encodeHeapBytes(job.out.format, output.width, output.height);
	return { plan: plan.decode, bytes: Math.max(decodePhaseBytes(plan.decode), cropping, filtering, encoding) };
}

/**
 * What an OCR request reserves, at the longest view side at which it fits the
 * budget: the runtime at its full size (resident during the decode too, once
 * loaded) plus the larger of the decode (decoder and view) and the OCR
 * phase's pixel buffers. The view shrinks by tenths, not below
 * MIN_OCR_VIEW_SIDE, when the whole would not fit; `plan` plans the decode
 * for a view side.
 */
export function ocrReservation(
	plan: (maxSide: number) => DecodePlan,
	detLimitSide: number,
	maxSide: number,
	budgetBytes: number,
): Reservation & { maxSide: number } {
	const runtime = ocrRuntimeBytes();
	const need = (p: DecodePlan) =>
		runtime + estimateWorkingSet(p, ocrPhaseBytes(p.width * p.height, detLimitSide * detLimitSide));
	let side = maxSide;
	let decode = plan(side);
	while (need(decode) > budgetBytes && side > MIN_OCR_VIEW_SIDE) {
		side = Math.max(MIN_OCR_VIEW_SIDE, Math.floor(side * 0.9));
		decode = plan(side);
	}
	return { plan: decode, bytes: need(decode), maxSide: side };
}
