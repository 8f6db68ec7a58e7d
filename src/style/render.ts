import {
	type DecodePlan,
	decodeToFit,
	displaySize,
	type EncodedImage,
	encodeImage,
	type ImageInfo,
	type OutputChoice,
	planDecodeTo,
} from "../codecs";
import { applyFilter, type FilterName } from "../filters";
import { cropPixels, detailWindow, enlargeRegion, padPixels } from "../lib/canvas";
import { type FitPlan, planFit, type Rect } from "../lib/fit";
import type { FitParams } from "../lib/fit-params";
import type { Pixels } from "../lib/pixels";

/** One styled output, planned from the header: the geometry and the decode that serves it. */
export interface RenderPlan {
	fit: FitPlan;
	decode: DecodePlan;
	/** The output is larger than the image: decode at full size, then enlarge the kept region. */
	enlarge: boolean;
}

/**
 * Plans the decode straight to the scaled size the geometry needs (the image
 * is only ever shrunk by its decoder), or to full size when the fit enlarges.
 */
export function planRender(bytes: Uint8Array, info: ImageInfo, params: FitParams): RenderPlan {
	const display = displaySize(info);
	const fit = planFit(display, params);
	const enlarge = fit.scaled.width > display.width || fit.scaled.height > display.height;
	const target = enlarge ? display : fit.scaled;
	const turned = info.orientation >= 5;
	const stored = turned ? { width: target.height, height: target.width } : target;
	return { fit, decode: planDecodeTo(bytes, info, stored), enlarge };
}

export type Timer = <T>(stage: string, run: () => T | Promise<T>) => Promise<T>;

/** What one styled image is: the filter and its options, the sizing and the output format. */
export interface StyleJob {
	name: FilterName;
	params: Record<string, number>;
	fit: FitParams;
	out: OutputChoice;
}

/** decode -> crop (and enlarge) -> filter -> pad -> encode, each stage timed under its name. */
export async function renderStyled(
	bytes: Uint8Array,
	plan: RenderPlan,
	job: StyleJob,
	timed: Timer,
): Promise<EncodedImage> {
	let decoded: Pixels | null = (await timed("decode", () => decodeToFit(bytes, plan.decode))).pixels;
	let work: Pixels | null = await timed("fit", () => keptRegion(decoded!, plan));
	decoded = null;
	const styled = await timed("filter", () => applyFilter(job.name, work!, job.params));
	work = null;
	const { output, offset } = plan.fit;
	const canvas = padPixels(styled, output, offset.left, offset.top, job.fit.background);
	return timed("encode", () => encodeImage(canvas, job.out));
}

/** The crop of the decoded image, at the crop's output size. */
function keptRegion(decoded: Pixels, plan: RenderPlan): Pixels {
	const { fit } = plan;
	const rx = decoded.width / fit.scaled.width;
	const ry = decoded.height / fit.scaled.height;
	const region: Rect = {
		x: fit.crop.x * rx,
		y: fit.crop.y * ry,
		width: fit.crop.width * rx,
		height: fit.crop.height * ry,
	};
	if (fit.auto) {
		// Detail is measured where the pixels are: in decoded coordinates.
		const at = detailWindow(decoded, Math.round(region.width), Math.round(region.height));
		region.x = at.x;
		region.y = at.y;
	}
	if (!plan.enlarge) {
		return cropPixels(decoded, {
			x: Math.round(region.x),
			y: Math.round(region.y),
			width: fit.crop.width,
			height: fit.crop.height,
		});
	}
	return enlargeRegion(decoded, region, fit.crop.width, fit.crop.height);
}
