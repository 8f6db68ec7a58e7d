/**
 * What one OCR request holds, and the pipeline sizes that bound it: the
 * detector's tiles and the recogniser's line widths set ORT's heap peak, and
 * the view side sets the pixel buffers. src/memory/ prices a request from
 * these (ocrReservation); they live here together because a change to a tile
 * or line bound means the runtime figure beside it must be measured again.
 */

import { currentEngine, wasmPeakBytes } from "./inference";
import type { BatchLimits } from "./lineTensor";

const MB = 1024 * 1024;

// ORT's heap grows in 20% steps (…, 47.9, 57.6, 69.1, 83.0, 99.6 MiB). Measured
// in this order (det, cls, rec) with the float recogniser: tiles up to 480x480
// and recogniser inputs up to 1920 columns (3 x 640, or one 3200-wide line)
// stay in the 69.1 MiB step, where 576 tiles or 6 x 640 batches need 83.0.
// With the 8-bit recogniser, read one line at a time, they peak at 57.6 MiB.
export const DET_TILE_AREA = 480 * 480;
export const DET_TILE_OVERLAP = 96;
// Lines are read one at a time, each at its own width: onnxruntime-web's wasm
// kernels loop over the batch, so a batch of six 160-wide lines took as long
// as six single runs (187 ms both), and padding every line to the widest of
// its batch added 17% more columns over the OCR fixtures.
export const REC_LIMITS: BatchLimits = { maxBatch: 1, maxColumns: 3200, minWidth: 96, maxWidth: 3200 };
export const CLS_WIDTH = 192;
export const CLS_LIMITS: BatchLimits = {
	maxBatch: 6,
	maxColumns: 6 * CLS_WIDTH,
	minWidth: CLS_WIDTH,
	maxWidth: CLS_WIDTH,
};

/**
 * The OCR runtime's heap with the three models loaded, at the end of an OCR
 * request, when no larger peak has been seen yet, at the bounds above (one
 * line of at most 3200 columns, detector tiles of 480x480 pixels).
 * - ort: 57.6 MiB measured with the 8-bit recogniser (70.4 MiB with the float
 *   one in batches of 1920).
 * - ink: 8.7 MiB of weights (packed; the 8-bit ones at a byte a weight) plus
 *   the run's arena, largest for the widest line: 21.3 MiB at 3200 columns
 *   (the recogniser's 64-channel maps at 1600 columns, in and out, and the
 *   8-bit copy of one), 30.0 MiB in all. A 480x480 tile needs 10.9 MiB.
 */
export const OCR_RUNTIME_BYTES = { ort: 58 * MB, ink: 30 * MB } as const;

/** The OCR runtime's full size as a request must reserve it. */
export function ocrRuntimeBytes(): number {
	return Math.max(OCR_RUNTIME_BYTES[currentEngine()], wasmPeakBytes());
}

/**
 * Pixel bytes OCR holds after the decode, for a view of `viewPixels` and a
 * detector limited to `detPixels`: the view and its copy composited on white
 * (alpha images only, counted always), the detector's scaled copy and
 * probability map, and a few MB of tiles, crops and line tensors. A second
 * read of a page lying sideways turns only the detector's copy (made, then
 * turned, before its map exists), so it fits the same count.
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
