/**
 * The words of a read line, placed from the recogniser's own time steps:
 * each output step of the recogniser looks at a fixed band of input columns,
 * so the steps where a word's characters fire say where the word lies along
 * the line. Those columns go back through the line tensor's scaling, the
 * classifier's half turn, the vertical quarter turn and the crop's
 * homography into the image.
 *
 * A word is a run of non-space characters, except that Chinese and Japanese
 * text has no spaces: there each run of CJK characters (with the full-width
 * punctuation inside or after it) is one word, split from Latin text or
 * digits beside it ("PP-OCRv4模型" is two words). A per-character split
 * would have been the other choice; runs keep hOCR and PDF text layers
 * readable as phrases, and a character's own box can still be cut from the
 * run's by its share of the time steps.
 */

import { type CropFrame, cropToImage } from "./crop";
import type { Glyph } from "./ctcDecode";
import { HAN } from "./ctcDecode";
import { orderQuad, type Quad } from "./geometry";

export interface WordRead {
	text: string;
	/** Mean of the probabilities of its characters, each at the step where it first fired (as the line's). */
	confidence: number;
	/** In image coordinates, corners clockwise from the top-left. */
	box: Quad;
}

/** Where a line's steps sit: its crop, the turn applied, and the step and tensor geometry. */
export interface StepPlacement {
	frame: CropFrame;
	flipped: boolean;
	/** Input columns per output step. */
	stride: number;
	/** Columns the crop was scaled to in the line tensor (the rest is padding). */
	scaledWidth: number;
}

const blank = (g: Glyph) => /^\s$/u.test(g.text);
const cjk = (g: Glyph) => HAN.test(g.text);

/** Glyph runs that make words, in reading order. */
export function wordRuns(glyphs: readonly Glyph[]): Glyph[][] {
	const runs: Glyph[][] = [];
	let run: Glyph[] = [];
	for (const g of glyphs) {
		const last = run[run.length - 1];
		if (blank(g) || (last && cjk(last) !== cjk(g))) {
			if (run.length > 0) runs.push(run);
			run = [];
		}
		if (!blank(g)) run.push(g);
	}
	if (run.length > 0) runs.push(run);
	return runs;
}

const centre = (g: Glyph) => (g.first + g.last + 1) / 2;

/**
 * Typical distance between neighbouring characters, in steps: the median
 * over the line's words. A line of one-letter words has none; then a
 * character is taken as about two steps wide (a 48-row line's letters are
 * some 20 columns, and a step is 8).
 */
function pitch(runs: readonly Glyph[][]): number {
	const gaps: number[] = [];
	for (const run of runs) for (let i = 1; i < run.length; i++) gaps.push(centre(run[i]!) - centre(run[i - 1]!));
	if (gaps.length === 0) return 2;
	gaps.sort((a, b) => a - b);
	return gaps[gaps.length >> 1]!;
}

export function lineWords(glyphs: readonly Glyph[], place: StepPlacement): WordRead[] {
	const runs = wordRuns(glyphs);
	const half = pitch(runs) / 2;
	const { frame, flipped, stride, scaledWidth } = place;
	const readWidth = frame.vertical ? frame.height : frame.width;
	const readHeight = frame.vertical ? frame.width : frame.height;
	const contentSteps = scaledWidth / stride;
	// A step's columns in the tensor, then in the crop as read.
	const toCrop = (step: number) => ((Math.min(Math.max(step, 0), contentSteps) * stride) / scaledWidth) * readWidth;
	return runs.map((run, i) => {
		const firstC = centre(run[0]!);
		const lastC = centre(run[run.length - 1]!);
		// Half a character out from the outer characters' centres, but not past halfway to a neighbour.
		let start = firstC - half;
		let end = lastC + half;
		const before = runs[i - 1];
		const after = runs[i + 1];
		if (before) start = Math.max(start, (centre(before[before.length - 1]!) + firstC) / 2);
		if (after) end = Math.min(end, (lastC + centre(after[0]!)) / 2);
		const u0 = toCrop(start);
		const u1 = toCrop(end);
		const corners = [
			cropToImage(frame, u0, 0, flipped),
			cropToImage(frame, u1, 0, flipped),
			cropToImage(frame, u1, readHeight, flipped),
			cropToImage(frame, u0, readHeight, flipped),
		];
		return {
			text: run.map((g) => g.text).join(""),
			confidence: run.reduce((s, g) => s + g.p, 0) / run.length,
			box: orderQuad(corners),
		};
	});
}
