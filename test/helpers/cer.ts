/**
 * Character error rate as the OCR fixtures define it: Levenshtein distance
 * over code points divided by the reference length, after NFKC, with line
 * breaks read as spaces, runs of whitespace collapsed, and spaces next to
 * Chinese characters ignored (Chinese is written without them).
 */
const HAN = "\\p{Script=Han}\\u3000-\\u303f";
const SPACE_BY_HAN = new RegExp(`(?<=[${HAN}])\\s+|\\s+(?=[${HAN}])`, "gu");

export function normalizeForCer(text: string): string {
	return text.normalize("NFKC").replace(/\s+/g, " ").trim().replace(SPACE_BY_HAN, "");
}

export function levenshtein(a: readonly string[], b: readonly string[]): number {
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		for (let j = 1; j <= b.length; j++) {
			const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
			cur.push(Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1));
		}
		prev = cur;
	}
	return prev[b.length] as number;
}

export interface CerScore {
	errors: number;
	length: number;
	cer: number;
}

export function cer(hypothesis: string, reference: string): CerScore {
	const ref = Array.from(normalizeForCer(reference));
	const hyp = Array.from(normalizeForCer(hypothesis));
	const errors = levenshtein(hyp, ref);
	return { errors, length: ref.length, cer: ref.length ? errors / ref.length : hyp.length ? 1 : 0 };
}

/**
 * The words of a transcript for the word error rate: after the same
 * normalization as the CER, each Han character (or CJK mark) is a word of its
 * own, since Chinese marks no word boundaries, and any other run without
 * spaces is one word.
 */
const WORD = new RegExp(`[${HAN}]|[^\\s${HAN}]+`, "gu");

export function wordsForWer(text: string): string[] {
	return normalizeForCer(text).match(WORD) ?? [];
}

export interface WerScore {
	errors: number;
	length: number;
	wer: number;
}

/** Word error rate: Levenshtein distance over words divided by the reference's word count. */
export function wer(hypothesis: string, reference: string): WerScore {
	const ref = wordsForWer(reference);
	const hyp = wordsForWer(hypothesis);
	const errors = levenshtein(hyp, ref);
	return { errors, length: ref.length, wer: ref.length ? errors / ref.length : hyp.length ? 1 : 0 };
}

/** Overall rate: total edits over total reference characters. */
export function pooledCer(scores: readonly CerScore[]): number {
	const length = scores.reduce((s, x) => s + x.length, 0);
	return length ? scores.reduce((s, x) => s + x.errors, 0) / length : 0;
}
