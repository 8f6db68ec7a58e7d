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
import { type DecodedLine, decodeSteps } from "./ctcDecode";
import { boxSearches, inPixels, type PageFrame, pageFrame } from "./findBoxes";
import { orderQuad, type Quad, quadSize } from "./geometry";
import { firstOutput, run, runSteps } from "./inference";
import { LINE_HEIGHT, lineTensor, planBatches, scaledWidth } from "./lineTensor";
import { CLS_LIMITS, CLS_WIDTH, REC_LIMITS } from "./memory";
import type { OcrModels } from "./models";
import { type OcrOptions, resolveOcrOptions } from "./options";
import {
	decideOrientation,
	likelyTurnedQuarter,
	type PageTurn,
	tallShare,
	turnedReadWins,
	turnQuad,
} from "./orientation";
import { readingOrder } from "./readingOrder";
import { onWhite, releaseResampler } from "./resample";
import { lineWords, type StepPlacement, type WordRead } from "./words";

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
	/** Degrees the pixels were turned clockwise to be read upright. */
	orientation: PageTurn;
	timings: OcrTimings;
}

type Lap = (stage: keyof OcrTimings) => void;

/** One reading of the page as it lies, and what the quarter-turn decision needs of it. */
interface PageRead {
	text: string;
	lines: ReadLine[];
	upsideDown: boolean;
	/** Share of the text, by box length, in boxes tall enough to be read as vertical. */
	tallShare: number;
}

/** Per line, the classifier's probability that the line is upside down. */
async function upsideDownScores(pixels: Pixels, quads: Quad[], ratios: number[], models: OcrModels): Promise<number[]> {
	const scores = new Array<number>(quads.length).fill(0);
	for (const plan of planBatches(ratios, CLS_LIMITS)) {
		const crops = plan.indices.map((i) => cropQuad(pixels, quads[i] as Quad));
		const data = lineTensor(crops, CLS_WIDTH);
		const probs = firstOutput(
			await run(models.cls, { [models.inputs.cls]: { data, dims: [crops.length, 3, 48, CLS_WIDTH] } }),
		);
		plan.indices.forEach((i, k) => {
			scores[i] = probs.data[k * 2 + 1] as number;
		});
	}
	return scores;
}

/**
 * Reads the page as it lies; then, when most of its text stands in tall
 * boxes (a photo taken sideways, with no EXIF tag to say so), reads it again
 * turned a quarter clockwise and keeps that read unless it read clearly less
 * (turnedReadWins). The line classifier of the second read tells a page
 * turned 90 degrees from one turned 270, so one more read covers both.
 */
export async function recognize(pixels: Pixels, options: OcrOptions, models: OcrModels): Promise<OcrResult> {
	const o = resolveOcrOptions(options);
	if (pixels.width < 1 || pixels.height < 1) throw new UnprocessableError("empty_image", "the image has no pixels");
	pixels = onWhite(pixels);
	const timings: OcrTimings = { det: 0, cls: 0, rec: 0, post: 0, words: 0, total: 0 };
	const start = performance.now();
	let t = start;
	const lap: Lap = (stage) => {
		const now = performance.now();
		timings[stage] += now - t;
		t = now;
	};
	try {
		const page = await readPage(pixels, pageFrame(pixels, false), o, models, lap);
		let result = { text: page.text, lines: page.lines, orientation: (page.upsideDown ? 180 : 0) as PageTurn };
		// Without the classifier a quarter-turned read could not tell 90 from 270 degrees.
		if (o.classify && likelyTurnedQuarter(page.tallShare)) {
			const turned = await readPage(pixels, pageFrame(pixels, true), o, models, lap);
			if (turnedReadWins(turned.lines, page.lines)) {
				result = { text: turned.text, lines: turned.lines, orientation: turned.upsideDown ? 270 : 90 };
			}
		}
		timings.total = performance.now() - start;
		return { ...result, width: pixels.width, height: pixels.height, timings };
	} finally {
		releaseResampler();
	}
}

/**
 * One read of the page in `frame`: the boxes of the detector's first pass
 * that finds any, read; for a small page whose boxes read nothing, the next,
 * enlarged pass (boxSearches).
 */
async function readPage(
	pixels: Pixels,
	frame: PageFrame,
	o: Required<OcrOptions>,
	models: OcrModels,
	lap: Lap,
): Promise<PageRead> {
	let read: PageRead = { text: "", lines: [], upsideDown: false, tallShare: 0 };
	for await (const quads of boxSearches(pixels, frame, o.det_limit_side, models, lap)) {
		read = await readBoxes(pixels, frame, quads, o, models, lap);
		if (read.lines.length > 0) break;
	}
	return read;
}

/**
 * The text of `quads`, boxes of the frame, in reading order; every crop is
 * cut from the pixels themselves through the box's corners in them, so the
 * boxes and words returned are in the pixels.
 */
async function readBoxes(
	pixels: Pixels,
	frame: PageFrame,
	quads: Quad[],
	o: Required<OcrOptions>,
	models: OcrModels,
	lap: Lap,
): Promise<PageRead> {
	const sources = quads.map((q) => inPixels(frame, q));
	const ratios = quads.map((q) => {
		const { width, height } = quadSize(q);
		return height / width >= VERTICAL_RATIO ? height / width : width / height;
	});
	lap("post");

	const orientation = o.classify
		? decideOrientation(await upsideDownScores(pixels, sources, ratios, models), ratios)
		: { flip: quads.map(() => false), pageUpsideDown: false };
	lap("cls");

	const read: (DecodedLine | undefined)[] = new Array(quads.length);
	const placed: StepPlacement[] = new Array(quads.length);
	for (const plan of planBatches(ratios, REC_LIMITS)) {
		const crops = plan.indices.map((i) => {
			const cut = cropFrame(sources[i] as Quad);
			const crop = cropQuad(pixels, sources[i] as Quad, cut);
			const flipped = orientation.flip[i] === true;
			placed[i] = { frame: cut, flipped, stride: 0, scaledWidth: scaledWidth(crop, plan.width) };
			return flipped ? turnClockwise(crop, 180) : crop;
		});
		lap("post");
		const data = lineTensor(crops, plan.width);
		const steps = await runSteps(
			models.rec,
			{ [models.inputs.rec]: { data, dims: [crops.length, 3, LINE_HEIGHT, plan.width] } },
			models.chars,
		);
		const decoded = decodeSteps(steps, models.chars);
		plan.indices.forEach((i, k) => {
			read[i] = decoded[k];
			(placed[i] as StepPlacement).stride = plan.width / Math.max(1, steps.steps);
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
					// Corners ordered again from the top-left as the pixels show them.
					const inPx = frame.quarter ? orderQuad(inPixels(frame, box)) : box;
					lines.push({ text: line.text.trim(), confidence: line.confidence, box: inPx, words: words[i] as WordRead[] });
					return line.text.trim();
				})
				.join(" "),
		)
		.join("\n");
	lap("post");
	return { text, lines, upsideDown: orientation.pageUpsideDown, tallShare: tallShare(quads) };
}
