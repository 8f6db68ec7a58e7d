/**
 * Image to text: detect line boxes on a bounded-size copy, crop each box
 * from the full-resolution input, optionally turn upside-down lines, read
 * them one at a time (REC_LIMITS) and put them in reading order. Boxes and
 * confidences are returned unrounded, in the coordinates of the pixels passed
 * in: the answer rounds them once, in upload coordinates (readUpload.ts).
 */
import { UnprocessableError } from "../lib/errors";
import { turnClockwise } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import { cropFrame, cropQuad, VERTICAL_RATIO } from "./crop";
import { ctcGreedy, type DecodedLine } from "./ctcDecode";
import { dbBoxes } from "./dbPostprocess";
import { detInputSize, detTensor, planTiles, stitch } from "./detPreprocess";
import { type Quad, quadSize } from "./geometry";
import { LINE_HEIGHT, lineTensor, planBatches, scaledWidth } from "./lineTensor";
import { CLS_LIMITS, CLS_WIDTH, DET_TILE_AREA, DET_TILE_OVERLAP, REC_LIMITS } from "./memory";
import type { OcrModels } from "./models";
import { decideOrientation, turnQuad } from "./orientation";
import { readingOrder } from "./readingOrder";
import { onWhite, resize } from "./resample";
import { run } from "./session";
import { lineWords, type StepPlacement, type WordRead } from "./words";

export interface OcrOptions {
	/** Longer side of the detector's view of the image, in pixels. */
	det_limit_side?: number;
	/** Lines read with a lower mean character probability are dropped. */
	min_confidence?: number;
	/** Run the 0/180 degree line classifier. */
	classify?: boolean;
}

/** A line as read, in the coordinates of the pixels passed in. */
export interface ReadLine {
	text: string;
	confidence: number;
	box: Quad;
	words: WordRead[];
}

export interface OcrTimings {
	det: number;
	cls: number;
	rec: number;
	post: number;
	/** Placing each line's words from its time steps. */
	words: number;
	total: number;
}

export interface OcrResult {
	text: string;
	lines: ReadLine[];
	width: number;
	height: number;
	timings: OcrTimings;
}

export const OCR_DEFAULTS = { det_limit_side: 960, min_confidence: 0.5, classify: true } as const;
export const DET_LIMIT_RANGE = [32, 4096] as const;

// A small image in which nothing was found is searched again enlarged to this
// long side: glyphs that are large relative to the frame (a sign filling a
// thumbnail) fit the detector's receptive field better when enlarged.
const DET_RETRY_LONG_SIDE = 640;
// Boxes this thin in the input are noise, not text.
const MIN_BOX_SIDE = 3;

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

function first(out: Record<string, { data: Float32Array; dims: readonly number[] }>) {
	const t = Object.values(out)[0];
	if (!t) throw new UnprocessableError("inference_failed", "a model returned no output");
	return t;
}

/** Probability map of the detector over the scaled image, tile by tile. */
async function detect(pixels: Pixels, limitSide: number, minLongSide: number, models: OcrModels) {
	const size = detInputSize(pixels.width, pixels.height, limitSide, minLongSide);
	const scaled = resize(pixels, size.width, size.height);
	const map = new Float32Array(size.width * size.height);
	for (const tile of planTiles(size.width, size.height, DET_TILE_AREA, DET_TILE_OVERLAP)) {
		const data = detTensor(scaled, tile);
		const prob = first(await run(models.det, { [models.inputs.det]: { data, dims: [1, 3, tile.height, tile.width] } }));
		stitch(map, size.width, tile, prob.data);
	}
	return { data: map, width: size.width, height: size.height };
}

/** Text boxes in input coordinates; a small image with none is searched again enlarged. */
async function findBoxes(
	pixels: Pixels,
	limitSide: number,
	models: OcrModels,
	lap: (stage: keyof OcrTimings) => void,
): Promise<Quad[]> {
	let map = await detect(pixels, limitSide, 0, models);
	lap("det");
	let boxes = dbBoxes(map);
	lap("post");
	if (boxes.length === 0 && Math.max(map.width, map.height) < Math.min(limitSide, DET_RETRY_LONG_SIDE)) {
		map = await detect(pixels, limitSide, DET_RETRY_LONG_SIDE, models);
		lap("det");
		boxes = dbBoxes(map);
	}
	const sx = pixels.width / map.width;
	const sy = pixels.height / map.height;
	return boxes
		.map((b) => toInput(b.quad, sx, sy, pixels.width, pixels.height))
		.filter((q) => {
			const s = quadSize(q);
			return s.width > MIN_BOX_SIDE && s.height > MIN_BOX_SIDE;
		});
}

/** Per line, the classifier's probability that the line is upside down. */
async function upsideDownScores(pixels: Pixels, quads: Quad[], ratios: number[], models: OcrModels): Promise<number[]> {
	const scores = new Array<number>(quads.length).fill(0);
	for (const plan of planBatches(ratios, CLS_LIMITS)) {
		const crops = plan.indices.map((i) => cropQuad(pixels, quads[i] as Quad));
		const data = lineTensor(crops, CLS_WIDTH);
		const probs = first(
			await run(models.cls, { [models.inputs.cls]: { data, dims: [crops.length, 3, 48, CLS_WIDTH] } }),
		);
		plan.indices.forEach((i, k) => {
			scores[i] = probs.data[k * 2 + 1] as number;
		});
	}
	return scores;
}

function toInput(q: Quad, sx: number, sy: number, width: number, height: number): Quad {
	return q.map(([x, y]) => [
		Math.min(Math.max(x * sx, 0), width - 1),
		Math.min(Math.max(y * sy, 0), height - 1),
	]) as Quad;
}

export async function recognize(pixels: Pixels, options: OcrOptions, models: OcrModels): Promise<OcrResult> {
	const o = resolveOcrOptions(options);
	if (pixels.width < 1 || pixels.height < 1) throw new UnprocessableError("empty_image", "the image has no pixels");
	pixels = onWhite(pixels);
	const timings: OcrTimings = { det: 0, cls: 0, rec: 0, post: 0, words: 0, total: 0 };
	const start = performance.now();
	let t = start;
	const lap = (stage: keyof OcrTimings) => {
		const now = performance.now();
		timings[stage] += now - t;
		t = now;
	};

	// The probability maps live only inside findBoxes: gone before any crop is cut.
	const quads = await findBoxes(pixels, o.det_limit_side, models, lap);
	const ratios = quads.map((q) => {
		const { width, height } = quadSize(q);
		return height / width >= VERTICAL_RATIO ? height / width : width / height;
	});
	lap("post");

	const orientation = o.classify
		? decideOrientation(await upsideDownScores(pixels, quads, ratios, models), ratios)
		: { flip: quads.map(() => false), pageUpsideDown: false };
	lap("cls");

	const read: (DecodedLine | undefined)[] = new Array(quads.length);
	const placed: StepPlacement[] = new Array(quads.length);
	for (const plan of planBatches(ratios, REC_LIMITS)) {
		const crops = plan.indices.map((i) => {
			const frame = cropFrame(quads[i] as Quad);
			const crop = cropQuad(pixels, quads[i] as Quad, frame);
			const flipped = orientation.flip[i] === true;
			placed[i] = { frame, flipped, stride: 0, scaledWidth: scaledWidth(crop, plan.width) };
			return flipped ? turnClockwise(crop, 180) : crop;
		});
		lap("post");
		const data = lineTensor(crops, plan.width);
		const out = first(
			await run(models.rec, { [models.inputs.rec]: { data, dims: [crops.length, 3, LINE_HEIGHT, plan.width] } }),
		);
		const decoded = ctcGreedy(out.data, out.dims, models.chars);
		plan.indices.forEach((i, k) => {
			read[i] = decoded[k];
			(placed[i] as StepPlacement).stride = plan.width / (out.dims[1] ?? 1);
		});
		lap("rec");
	}

	const kept = quads
		.map((box, i) => ({ box, line: read[i], place: placed[i] as StepPlacement }))
		.filter(
			(x): x is { box: Quad; line: DecodedLine; place: StepPlacement } =>
				!!x.line && x.line.text.trim() !== "" && x.line.confidence >= o.min_confidence,
		);
	lap("post");
	const words = kept.map((k) => lineWords(k.line.glyphs, k.place));
	lap("words");
	const rows = readingOrder(kept.map((k) => (orientation.pageUpsideDown ? turnQuad(k.box) : k.box)));
	const lines: ReadLine[] = [];
	const text = rows
		.map((row) =>
			row
				.map((i) => {
					const { box, line } = kept[i] as (typeof kept)[number];
					lines.push({ text: line.text.trim(), confidence: line.confidence, box, words: words[i] as WordRead[] });
					return line.text.trim();
				})
				.join(" "),
		)
		.join("\n");
	lap("post");
	timings.total = performance.now() - start;
	return { text, lines, width: pixels.width, height: pixels.height, timings };
}
