import { TooLargeError } from "../lib/errors";
import { fitSize } from "../lib/resize";
import type { DecodeCost } from "./format";
import { READERS } from "./formats";
import type { ImageInfo } from "./probe";

export { fitSize };

/**
 * What one decode will do and hold, decided from the header before a byte of
 * image data is read. Routes reserve memory from it and the intake carries it
 * out, so the estimate and the work can never disagree about the size.
 */
export interface DecodePlan extends DecodeCost {
	info: ImageInfo;
	/** Size the decoder hands back, in stored orientation: at most maxSide on the longer side. */
	width: number;
	height: number;
}

/** Plans the decode of a probed upload to fit maxSide (Infinity: full size). */
export function planDecode(bytes: Uint8Array, info: ImageInfo, maxSide: number): DecodePlan {
	return planDecodeTo(bytes, info, fitSize(info.width, info.height, maxSide));
}

/**
 * Plans the decode to an exact size in stored orientation, for outputs whose
 * box is not a square (fit to w x h); each side is at most the image's own,
 * since decoders only shrink.
 */
export function planDecodeTo(bytes: Uint8Array, info: ImageInfo, size: { width: number; height: number }): DecodePlan {
	const width = Math.max(1, Math.min(info.width, Math.round(size.width)));
	const height = Math.max(1, Math.min(info.height, Math.round(size.height)));
	return { info, width, height, ...READERS[info.format].plan(bytes, info, width, height) };
}

/** Bytes the decode phase holds: the decoder's own and its output pixels. */
export function decodePhaseBytes(plan: DecodePlan): number {
	return plan.decoderBytes + 4 * plan.width * plan.height;
}

/**
 * Formats decoded whole (WebP, interlaced PNG) need memory in proportion to
 * the full frame, so their size cap follows from the budget, whatever the
 * pixel cap says. The 413 says why, and how large such an image may be.
 */
export function checkWholeFrame(plan: DecodePlan, budgetBytes: number): void {
	const { info } = plan;
	const whole = READERS[info.format].wholeFrame;
	// A format's own ceiling, such as the PNG kernel's for the frame it gathers Adam7 passes into.
	whole?.check?.(info);
	if (!whole || !plan.wholeFrame || decodePhaseBytes(plan) <= budgetBytes) return;
	const perPixel = plan.decoderBytes / (info.width * info.height);
	const maxMp = Math.floor(budgetBytes / perPixel / 1e5) / 10;
	throw new TooLargeError(
		"image_too_large",
		`${whole.reason} decoded whole, which takes about ${perPixel.toFixed(1)} bytes a pixel; this one is ${info.width}x${info.height}, and the memory budget allows about ${maxMp} MP`,
		{ width: info.width, height: info.height, max_pixels: Math.floor(budgetBytes / perPixel) },
	);
}
