/**
 * Which way the page and its lines lie. From the 0/180 degree line
 * classifier: a line alone is turned half a turn only when the classifier is
 * sure (PaddleOCR's 0.9). When most of the page's text (by line length) is
 * confidently upside down, the page itself is upside down: then a line needs
 * only a majority vote to be turned, and the page is read from its far
 * corner, so its last row in the image comes first.
 *
 * A page turned a quarter (a phone held sideways, with no EXIF tag) shows as
 * text standing in tall boxes; pipeline.ts then reads it again turned, and
 * turnedReadWins decides which read to keep.
 */
import { VERTICAL_RATIO } from "./crop";
import type { PageOrientation } from "./document";
import { orderQuad, type Quad, quadSize } from "./geometry";

export type PageTurn = PageOrientation;

// More than half the text (by box length) standing upright makes a sideways page worth a second read.
const QUARTER_TURN_SHARE = 0.5;

export const LINE_FLIP_THRESHOLD = 0.9;
const PAGE_LINE_FLIP_THRESHOLD = 0.5;

export interface Orientation {
	flip: boolean[];
	pageUpsideDown: boolean;
}

/** `upsideDown[i]`: the classifier's probability that line i is turned; `weights[i]`: its length. */
export function decideOrientation(upsideDown: readonly number[], weights: readonly number[]): Orientation {
	const total = weights.reduce((s, w) => s + w, 0);
	const sure = upsideDown.reduce((s, p, i) => s + (p > LINE_FLIP_THRESHOLD ? (weights[i] ?? 0) : 0), 0);
	const pageUpsideDown = total > 0 && sure > total / 2;
	const threshold = pageUpsideDown ? PAGE_LINE_FLIP_THRESHOLD : LINE_FLIP_THRESHOLD;
	return { flip: upsideDown.map((p) => p > threshold), pageUpsideDown };
}

/** The quad as seen with the page turned half a turn (coordinates negated), corners reordered. */
export function turnQuad(q: Quad): Quad {
	return orderQuad(q.map(([x, y]) => [-x, -y]));
}

/** Share of the text, weighted by box length, in boxes tall enough to be read as vertical text. */
export function tallShare(quads: readonly Quad[]): number {
	let tall = 0;
	let total = 0;
	for (const q of quads) {
		const { width, height } = quadSize(q);
		total += Math.max(width, height);
		if (height / width >= VERTICAL_RATIO) tall += height;
	}
	return total > 0 ? tall / total : 0;
}

export function likelyTurnedQuarter(share: number): boolean {
	return share > QUARTER_TURN_SHARE;
}

// The read as it lies of a sideways page reads most lines well too (each tall box is turned a
// quarter, and the classifier turns it the rest of the way), only in the wrong order, across the
// columns: its score comes close to the turned read's (on most turned fixtures it was as high or
// higher). So the turned read wins unless it read clearly less.
const TURNED_READ_MARGIN = 0.9;

/** Characters read, each counted by its line's confidence: what a read of the page is worth. */
function readScore(lines: readonly { text: string; confidence: number }[]): number {
	return lines.reduce((s, l) => s + l.confidence * l.text.replace(/\s/gu, "").length, 0);
}

/** Whether the read of the page turned a quarter beats the read of it as it lies. */
export function turnedReadWins(
	turned: readonly { text: string; confidence: number }[],
	asItLies: readonly { text: string; confidence: number }[],
): boolean {
	const t = readScore(turned);
	return t > 0 && t >= TURNED_READ_MARGIN * readScore(asItLies);
}
