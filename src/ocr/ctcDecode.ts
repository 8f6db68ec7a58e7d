/**
 * Greedy CTC decoding of the recogniser's output: take the most likely
 * class at each time step, merge repeats, drop blanks. The line's
 * confidence is the mean probability of the characters it kept.
 *
 * The PP-OCR recognisers learn mostly from Chinese, which has no spaces, so
 * between two Latin words the space class rarely wins a time step outright:
 * the gap is read as blank while the space class still carries a few
 * percent. A gap between two non-Chinese characters where the space class
 * reaches SPACE_EVIDENCE at some step is therefore read as a space.
 * Measured on the English dev lines: inside words the space class stayed at
 * or below 0.01 on every step; between words it peaked at 0.04 or more.
 */

/**
 * One character of a decoded line and the time steps it fired on, first to
 * last inclusive (a repeat merged into it extends `last`). A space read from
 * a gap spans that gap's blank steps.
 */
export interface Glyph {
	text: string;
	first: number;
	last: number;
	/** The winning probability at the step where the character first fired. */
	p: number;
}

export interface DecodedLine {
	text: string;
	confidence: number;
	/** The characters of `text`, in order; joined they give `text`. */
	glyphs: Glyph[];
}

/**
 * Class list for PP-OCR recognisers: index 0 is the CTC blank, then the
 * dictionary file's characters one per line, then the space character.
 */
export function charset(dictionaryText: string): string[] {
	const lines = dictionaryText.replace(/\r/g, "").split("\n");
	if (lines[lines.length - 1] === "") lines.pop();
	return ["", ...lines, " "];
}

export const SPACE_EVIDENCE = 0.03;
// A class above this share of a step that sums to 1 beats every other one (at
// most 1 - p, and the sum's float error is far under 1e-3): the scan of the
// step's 6625 classes stops there. Most steps are blank above 0.9, so most
// steps read one value.
const SURE_WINNER = 0.501;
export const HAN = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
const FULL_WIDTH = /^[\uff01-\uff5e]$/u;

/** Whether a row of class values sums to 1 with none negative (a softmax output). */
function sumsToOne(row: ArrayLike<number>): boolean {
	let sum = 0;
	for (let c = 0; c < row.length; c++) {
		const p = row[c] as number;
		if (!(p >= 0)) return false;
		sum += p;
	}
	return Math.abs(sum - 1) <= 1e-4;
}

/**
 * The value above which a class wins its step outright, given the first and
 * last steps of the output: SURE_WINNER when both sum to 1 (a softmax
 * output), else +Infinity (every class of a step is scanned).
 */
export function sureWinner(first: ArrayLike<number>, last: ArrayLike<number>): number {
	return sumsToOne(first) && sumsToOne(last) ? SURE_WINNER : Number.POSITIVE_INFINITY;
}

/**
 * Per time step of a decoded batch: the winning class (the first of the
 * step's largest value), its probability and the space class's. The engine
 * finds these in its own memory (ctcSteps in assembly/_infer_ctc.ts);
 * stepsOf finds them in a probability tensor the same way.
 */
export interface CtcSteps {
	batch: number;
	steps: number;
	best: Int32Array;
	p: Float32Array;
	space: Float32Array;
}

/** Throws when the class count does not match the charset: a mismatched dictionary would otherwise produce plausible-looking nonsense. */
export function checkClasses(dims: readonly number[], chars: readonly string[]): void {
	if (dims.length !== 3 || dims[2] !== chars.length) {
		throw new RangeError(`recogniser output ${dims.join("x")} does not fit a ${chars.length}-class charset`);
	}
}

/** The steps of a [batch, steps, classes] probability tensor. */
export function stepsOf(data: Float32Array, dims: readonly number[], chars: readonly string[]): CtcSteps {
	checkClasses(dims, chars);
	const [batch = 0, steps = 0, classes = 0] = dims;
	const rows = batch * steps;
	const space = chars.lastIndexOf(" ");
	const stopAbove =
		rows > 0 ? sureWinner(data.subarray(0, classes), data.subarray((rows - 1) * classes, rows * classes)) : Infinity;
	const out: CtcSteps = {
		batch,
		steps,
		best: new Int32Array(rows),
		p: new Float32Array(rows),
		space: new Float32Array(rows),
	};
	for (let r = 0; r < rows; r++) {
		const row = r * classes;
		let best = 0;
		let bestP = data[row] as number;
		for (let c = 1; c < classes && !(bestP > stopAbove); c++) {
			const p = data[row + c] as number;
			if (p > bestP) {
				bestP = p;
				best = c;
			}
		}
		out.best[r] = best;
		out.p[r] = bestP;
		out.space[r] = space >= 0 ? (data[row + space] as number) : 0;
	}
	return out;
}

/** Decodes a [batch, steps, classes] probability tensor. Throws when the class count does not match the charset. */
export function ctcGreedy(
	data: Float32Array,
	dims: readonly number[],
	chars: readonly string[],
	spaceEvidence = SPACE_EVIDENCE,
): DecodedLine[] {
	return decodeSteps(stepsOf(data, dims, chars), chars, spaceEvidence);
}

/** Greedy decoding of each line of a batch from its steps. */
export function decodeSteps(s: CtcSteps, chars: readonly string[], spaceEvidence = SPACE_EVIDENCE): DecodedLine[] {
	const out: DecodedLine[] = [];
	const space = chars.lastIndexOf(" ");
	for (let b = 0; b < s.batch; b++) {
		let text = "";
		const glyphs: Glyph[] = [];
		let sum = 0;
		let kept = 0;
		let previous = -1;
		// Highest space probability in the current run of blank steps since the last character.
		let gapSpace = 0;
		let gapStart = 0;
		for (let t = 0; t < s.steps; t++) {
			const r = b * s.steps + t;
			const best = s.best[r] as number;
			const bestP = s.p[r] as number;
			if (best === 0) {
				if (previous !== 0) gapStart = t;
				if (space >= 0) gapSpace = Math.max(gapSpace, s.space[r] as number);
			} else if (best !== previous) {
				const last = text[text.length - 1];
				let ch = chars[best] as string;
				// The dictionary has both ASCII and full-width punctuation; after Latin text the
				// full-width form is a misreading of the ASCII one ("Court，Dayton").
				if (FULL_WIDTH.test(ch) && last !== undefined && !HAN.test(last)) ch = ch.normalize("NFKC");
				if (
					gapSpace >= spaceEvidence &&
					best !== space &&
					last !== undefined &&
					last !== " " &&
					!HAN.test(last) &&
					!HAN.test(ch)
				) {
					text += " ";
					glyphs.push({ text: " ", first: gapStart, last: t - 1, p: gapSpace });
				}
				text += ch;
				glyphs.push({ text: ch, first: t, last: t, p: bestP });
				sum += bestP;
				kept++;
				gapSpace = 0;
			} else {
				(glyphs[glyphs.length - 1] as Glyph).last = t;
				gapSpace = 0;
			}
			previous = best;
		}
		out.push({ text, confidence: kept > 0 ? sum / kept : 0, glyphs });
	}
	return out;
}
