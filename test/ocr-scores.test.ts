// The transcript scores the OCR tests and the benchmark share (test/helpers/cer.ts),
// checked on the fixtures' own references so a change to the normalization shows here.
import { describe, expect, it } from "vitest";
import { cer, wer, wordsForWer } from "./helpers/cer";

const english = "Hello Google\nwelcome";
const chinese = "天气很好，我们去公园 OK";

describe("word error rate", () => {
	it("splits Latin text on spaces and Chinese into single characters", () => {
		expect(wordsForWer(english)).toEqual(["Hello", "Google", "welcome"]);
		// NFKC turns the full-width comma into ",", which is a word of its own between Han characters.
		expect(wordsForWer(chinese)).toEqual(["天", "气", "很", "好", ",", "我", "们", "去", "公", "园", "OK"]);
	});

	it("is zero for the reference itself, whatever its line breaks and spacing", () => {
		expect(wer("Hello   Google welcome", english)).toEqual({ errors: 0, length: 3, wer: 0 });
		expect(wer("天气很好, 我们去公园OK", chinese).wer).toBe(0);
	});

	it("counts a word with one wrong letter as one error where the CER counts one letter", () => {
		const w = wer("Hello Goggle welcome", english);
		expect(w).toEqual({ errors: 1, length: 3, wer: 1 / 3 });
		expect(cer("Hello Goggle welcome", english).errors).toBe(1);
	});

	it("counts a merged pair of words as a substitution and a deletion", () => {
		expect(wer("HelloGoogle welcome", english).errors).toBe(2);
	});

	it("scores an empty transcript as every word missing, and any output against an empty reference as 1", () => {
		expect(wer("", english)).toEqual({ errors: 3, length: 3, wer: 1 });
		expect(wer("stray", "").wer).toBe(1);
		expect(wer("", "").wer).toBe(0);
	});
});
