/**
 * The OCR answer as POST /api/ocr returns it in JSON, and as every other
 * output format (hOCR, ALTO, TSV, PDF) reads it. Coordinates are pixels of
 * the upload as displayed: after its EXIF orientation, and after any
 * quarter turn the page needed to be read upright (the turn is named in
 * `orientation`, the boxes are not in the turned frame).
 */

/** An [x, y] position in upload pixels. */
export type Point = [number, number];

/**
 * Four corners clockwise, starting from the top-left one in the upload as
 * displayed: top-left, top-right, bottom-right, bottom-left. The order is the
 * image's, not the text's: on a page read turned (`orientation` 90, 180 or
 * 270) the text starts at another corner, which `orientation` tells.
 */
export type Quad = [Point, Point, Point, Point];

/**
 * A run of non-space characters, or a run of CJK characters (Chinese has no
 * spaces; one word per run, split from Latin text beside it), within a line.
 */
export interface OcrWord {
	text: string;
	/** Mean over its characters of each one's probability where it first fired: the line's statistic. */
	confidence: number;
	box: Quad;
}

export interface OcrLine {
	text: string;
	/** Mean of the winning probability of every character kept in the line. */
	confidence: number;
	box: Quad;
	/** Left to right as the line reads; joined they give `text` without its spaces. */
	words: OcrWord[];
}

/** Degrees the page was turned clockwise before reading; 0 for an upright page. */
export type PageOrientation = 0 | 90 | 180 | 270;

export interface OcrModelInfo {
	name: string;
	/** Names the exact model files ("det:<sha256 prefix>,cls:…,rec:…"). */
	version: string;
}

export interface OcrDocument {
	/** Lines joined by spaces within a row and newlines between rows, in reading order. */
	text: string;
	/** Upload size as displayed (after EXIF orientation). */
	width: number;
	height: number;
	orientation: PageOrientation;
	/** Reading order: rows top to bottom, lines left to right within a row. */
	lines: OcrLine[];
	model: OcrModelInfo;
	/** Milliseconds per stage (decode, det, cls, rec, post, …) and `total`. */
	timings: Record<string, number>;
}
