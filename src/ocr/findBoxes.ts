/**
 * Text boxes of a page: the DB detector's probability map over a bounded
 * copy, tile by tile, turned into boxes in the coordinates of the frame the
 * page is read in (as it lies, or turned a quarter for a sideways photo).
 */
import { turnClockwise } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import { dbBoxes } from "./dbPostprocess";
import { detInputSize, detTensor, planTiles, type Size, stitch } from "./detPreprocess";
import { type Point, type Quad, quadSize } from "./geometry";
import { firstOutput, run } from "./inference";
import { DET_TILE_AREA, DET_TILE_OVERLAP } from "./memory";
import type { OcrModels } from "./models";
import { resize } from "./resample";

// A small image in which nothing readable was found is searched again
// enlarged, to these long sides in turn until something is: glyphs that are
// large relative to the frame (a sign filling a thumbnail) fit the detector's
// receptive field better when enlarged. The smaller step first: a 640 pass
// costs 8-9 times a 206x182 image's first one, and on the fixture that needs
// the retry (dev_real_mmocr_star) the 320 pass already finds the word and
// reads more of it ("TAR" against "MR" at 640).
const DET_RETRY_LONG_SIDES = [320, 640] as const;
// A retry step must enlarge the last pass's map at least this much: a few
// per cent more pixels show the detector nothing new, at the price of a pass.
const DET_RETRY_MIN_GROWTH = 1.25;
// Boxes this thin in the input are noise, not text.
const MIN_BOX_SIDE = 3;

/** The page as a detector sees it: as it lies, or turned a quarter clockwise. */
export interface PageFrame {
	width: number;
	height: number;
	quarter: boolean;
}

export function pageFrame(pixels: Pixels, quarter: boolean): PageFrame {
	return quarter
		? { width: pixels.height, height: pixels.width, quarter }
		: { width: pixels.width, height: pixels.height, quarter };
}

/**
 * A box of the frame in the pixels, corners in the same order (so a crop of
 * it comes out as the frame shows it): pixel (x, y) of a quarter frame is
 * pixel (y, H - 1 - x) of the H rows of the pixels.
 */
export function inPixels(frame: PageFrame, q: Quad): Quad {
	if (!frame.quarter) return q;
	return q.map(([x, y]): Point => [y, frame.width - 1 - x]) as Quad;
}

/** Probability map of the detector over the frame scaled to `size`, tile by tile. */
async function detect(pixels: Pixels, frame: PageFrame, size: Size, models: OcrModels) {
	// A quarter frame turns only the detector's small copy, never the page: a second read of a page
	// lying sideways needs no more memory than the first.
	const scaled = frame.quarter
		? turnClockwise(resize(pixels, size.height, size.width), 90)
		: resize(pixels, size.width, size.height);
	const map = new Float32Array(size.width * size.height);
	for (const tile of planTiles(size.width, size.height, DET_TILE_AREA, DET_TILE_OVERLAP)) {
		const data = detTensor(scaled, tile);
		const prob = firstOutput(
			await run(models.det, { [models.inputs.det]: { data, dims: [1, 3, tile.height, tile.width] } }),
		);
		stitch(map, size.width, tile, prob.data);
	}
	return { data: map, width: size.width, height: size.height };
}

/** One detector pass at `size`: its boxes in frame coordinates. */
async function searchAt(
	pixels: Pixels,
	frame: PageFrame,
	size: Size,
	models: OcrModels,
	lap: (stage: "det" | "post") => void,
): Promise<Quad[]> {
	const map = await detect(pixels, frame, size, models);
	lap("det");
	const sx = frame.width / map.width;
	const sy = frame.height / map.height;
	const quads = dbBoxes(map)
		.map((b) => toInput(b.quad, sx, sy, frame.width, frame.height))
		.filter((q) => {
			const s = quadSize(q);
			return s.width > MIN_BOX_SIDE && s.height > MIN_BOX_SIDE;
		});
	lap("post");
	return quads;
}

/**
 * Text boxes in frame coordinates, pass by pass: the page at its own size
 * first, then, for a small page, enlarged to each retry side in turn. A pass
 * that finds no box is not yielded; the caller stops asking once it reads
 * text in the boxes of one, so the larger passes run only when the smaller
 * found nothing readable. Each pass's probability map is gone before its
 * boxes are yielded.
 */
export async function* boxSearches(
	pixels: Pixels,
	frame: PageFrame,
	limitSide: number,
	models: OcrModels,
	lap: (stage: "det" | "post") => void,
): AsyncGenerator<Quad[]> {
	const longSide = (s: Size) => Math.max(s.width, s.height);
	let size = detInputSize(frame.width, frame.height, limitSide);
	let quads = await searchAt(pixels, frame, size, models, lap);
	if (quads.length > 0) yield quads;
	for (const side of DET_RETRY_LONG_SIDES) {
		// A step that would barely enlarge the last map (the limit, or MAX_UPSCALE, reached) is skipped.
		const next = detInputSize(frame.width, frame.height, limitSide, side);
		if (longSide(next) < DET_RETRY_MIN_GROWTH * longSide(size)) continue;
		size = next;
		quads = await searchAt(pixels, frame, size, models, lap);
		if (quads.length > 0) yield quads;
	}
}

function toInput(q: Quad, sx: number, sy: number, width: number, height: number): Quad {
	return q.map(([x, y]) => [
		Math.min(Math.max(x * sx, 0), width - 1),
		Math.min(Math.max(y * sy, 0), height - 1),
	]) as Quad;
}
