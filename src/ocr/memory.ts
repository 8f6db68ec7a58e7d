import { wasmPeakBytes } from "./session";

const MB = 1024 * 1024;

/**
 * ORT's heap with the three models loaded, at the end of an OCR request, when
 * no larger peak has been seen yet (measured: 57.6 MiB with the 8-bit
 * recogniser reading one line of at most 3200 columns at a time and 480x480
 * detector tiles, as pipeline.ts runs them; 70.4 MiB with the float
 * recogniser in batches of 1920).
 */
export const OCR_RUNTIME_BYTES = 58 * MB;

/** The OCR runtime's full size as a request must reserve it. */
export function ocrRuntimeBytes(): number {
	return Math.max(OCR_RUNTIME_BYTES, wasmPeakBytes());
}

/**
 * Pixel bytes OCR holds after the decode, for a view of `viewPixels` and a
 * detector limited to `detPixels`: the view and its copy composited on white
 * (alpha images only, counted always), the detector's scaled copy and
 * probability map, and a few MB of tiles, crops and line tensors.
 */
export function ocrPhaseBytes(viewPixels: number, detPixels: number): number {
	return 8 * viewPixels + 8 * Math.min(viewPixels, detPixels) + 4 * MB;
}

/**
 * Uploads are read at up to this side: detection runs on a smaller copy, but
 * every line is cut from this one, so small print keeps its strokes.
 */
export const OCR_VIEW_SIDE = 2048;

/** Below this the view would lose small print; such requests get a 413 instead. */
export const MIN_OCR_VIEW_SIDE = 960;
