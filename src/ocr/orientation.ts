/**
 * Which lines to turn half a turn before reading, from the 0/180 degree line
 * classifier. A line alone is turned only when the classifier is sure
 * (PaddleOCR's 0.9). When most of the page's text (by line length) is
 * confidently upside down, the page itself is upside down: then a line needs
 * only a majority vote to be turned, and the page is read from its far
 * corner, so its last row in the image comes first.
 */
import { orderQuad, type Quad } from "./geometry";

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
