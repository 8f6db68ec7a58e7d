/** The OCR options a request may set, their defaults and their ranges. */
import { UnprocessableError } from "../lib/errors";

export interface OcrOptions {
	/** Longer side of the detector's view of the image, in pixels. */
	det_limit_side?: number;
	/** Lines read with a lower mean character probability are dropped. */
	min_confidence?: number;
	/** Run the 0/180 degree line classifier. */
	classify?: boolean;
}

export const OCR_DEFAULTS = { det_limit_side: 960, min_confidence: 0.5, classify: true } as const;
export const DET_LIMIT_RANGE = [32, 4096] as const;

/** Options with defaults filled in; 422 naming the parameter for a value out of range. */
export function resolveOcrOptions(options: OcrOptions): Required<OcrOptions> {
	const o = { ...OCR_DEFAULTS, ...options };
	const bad = (parameter: string, message: string) =>
		new UnprocessableError("invalid_parameter", message, { parameter });
	const [lo, hi] = DET_LIMIT_RANGE;
	if (!Number.isInteger(o.det_limit_side) || o.det_limit_side < lo || o.det_limit_side > hi) {
		throw bad("det_limit_side", `det_limit_side must be an integer from ${lo} to ${hi}`);
	}
	if (!(o.min_confidence >= 0 && o.min_confidence <= 1)) {
		throw bad("min_confidence", "min_confidence must be a number from 0 to 1");
	}
	return o;
}
