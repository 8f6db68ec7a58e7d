/**
 * What every output format derives from the OCR document the same way:
 * integer bounding rectangles, 0-100 confidences and the words of a line.
 */

import type { OcrDocument, OcrLine, OcrWord, Quad } from "../document";

/** Left, top, right, bottom in whole pixels. */
export type Rect = [number, number, number, number];

/**
 * The smallest whole-pixel rectangle holding the quad, clamped to the page:
 * hOCR, ALTO and TSV count in integers, and rounding outwards keeps every
 * corner of the box inside it.
 */
export function boundsOf(box: Quad, page: { width: number; height: number }): Rect {
	const xs = box.map((p) => p[0]);
	const ys = box.map((p) => p[1]);
	const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
	return [
		clamp(Math.floor(Math.min(...xs)), page.width),
		clamp(Math.floor(Math.min(...ys)), page.height),
		clamp(Math.ceil(Math.max(...xs)), page.width),
		clamp(Math.ceil(Math.max(...ys)), page.height),
	];
}

/** The rectangle holding all the given ones (the page's own when there are none). */
export function unionOf(rects: readonly Rect[], page: { width: number; height: number }): Rect {
	if (rects.length === 0) return [0, 0, page.width, page.height];
	return [
		Math.min(...rects.map((r) => r[0])),
		Math.min(...rects.map((r) => r[1])),
		Math.max(...rects.map((r) => r[2])),
		Math.max(...rects.map((r) => r[3])),
	];
}

/** Tesseract's scale for confidences: a whole number from 0 to 100. */
export function percent(confidence: number): number {
	return Math.round(Math.min(Math.max(confidence, 0), 1) * 100);
}

/**
 * A line's words; a line the recogniser gave no word split for counts as
 * one word, so that every format still places its text somewhere.
 */
export function wordsOf(line: OcrLine): OcrWord[] {
	return line.words.length > 0 ? line.words : [{ text: line.text, confidence: line.confidence, box: line.box }];
}

/**
 * What stands between consecutive words in the line's text: a space between
 * Latin words, nothing between runs of Chinese characters. A word not found
 * in the text in order is taken to be set off by a space.
 */
export function joinersOf(text: string, words: readonly OcrWord[]): string[] {
	const joiners: string[] = [];
	let end = 0;
	let located = true;
	for (const [i, word] of words.entries()) {
		const at = text.indexOf(word.text, end);
		if (i > 0) joiners.push(located && at >= 0 ? text.slice(end, at) : " ");
		located = at >= 0;
		if (located) end = at + word.text.length;
	}
	return joiners;
}

/**
 * Lines with their words and rectangles, numbered from 1 as Tesseract
 * numbers them; `joiner` is the text after a word, before the next one.
 */
export function layoutOf(doc: OcrDocument) {
	return doc.lines.map((line, i) => {
		const words = wordsOf(line);
		const joiners = joinersOf(line.text, words);
		return {
			n: i + 1,
			line,
			rect: boundsOf(line.box, doc),
			words: words.map((word, j) => ({ n: j + 1, word, rect: boundsOf(word.box, doc), joiner: joiners[j] ?? "" })),
		};
	});
}
