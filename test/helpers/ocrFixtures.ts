/** The OCR fixture images (copied from the shared dev set) with their transcripts, decoded by the app's codecs. */
import { decodeImage, probeImage } from "../../src/codecs";
import type { Pixels } from "../../src/lib/pixels";
import formGt from "../fixtures/ocr/dev_en_form_01.gt.txt";
import form from "../fixtures/ocr/dev_en_form_01.png";
import labelGt from "../fixtures/ocr/dev_en_label_01.gt.txt";
import label from "../fixtures/ocr/dev_en_label_01.jpg";
import para1Gt from "../fixtures/ocr/dev_en_para_01.gt.txt";
import para1 from "../fixtures/ocr/dev_en_para_01.png";
import para2Gt from "../fixtures/ocr/dev_en_para_02.gt.txt";
import para2 from "../fixtures/ocr/dev_en_para_02.jpg";
import receipt1Gt from "../fixtures/ocr/dev_en_receipt_01.gt.txt";
import receipt1 from "../fixtures/ocr/dev_en_receipt_01.jpg";
import receipt2Gt from "../fixtures/ocr/dev_en_receipt_02.gt.txt";
import receipt2 from "../fixtures/ocr/dev_en_receipt_02.jpg";
import signGt from "../fixtures/ocr/dev_en_sign_01.gt.txt";
import sign from "../fixtures/ocr/dev_en_sign_01.jpg";
import starGt from "../fixtures/ocr/dev_real_mmocr_star.gt.txt";
import star from "../fixtures/ocr/dev_real_mmocr_star.jpg";
import simpleGt from "../fixtures/ocr/dev_real_tjs_simple.gt.txt";
import simple from "../fixtures/ocr/dev_real_tjs_simple.png";
import helloGt from "../fixtures/ocr/dev_real_tt_hellogoogle.gt.txt";
import hello from "../fixtures/ocr/dev_real_tt_hellogoogle.png";
import mixedGt from "../fixtures/ocr/dev_zh_mixed_01.gt.txt";
import mixed from "../fixtures/ocr/dev_zh_mixed_01.jpg";
import zh1Gt from "../fixtures/ocr/dev_zh_para_01.gt.txt";
import zh1 from "../fixtures/ocr/dev_zh_para_01.jpg";
import zh2Gt from "../fixtures/ocr/dev_zh_para_02.gt.txt";
import zh2 from "../fixtures/ocr/dev_zh_para_02.jpg";

export interface OcrFixture {
	name: string;
	bytes: ArrayBuffer;
	truth: string;
}

export const OCR_FIXTURES: readonly OcrFixture[] = [
	{ name: "dev_en_form_01", bytes: form, truth: formGt },
	{ name: "dev_en_label_01", bytes: label, truth: labelGt },
	{ name: "dev_en_para_01", bytes: para1, truth: para1Gt },
	{ name: "dev_en_para_02", bytes: para2, truth: para2Gt },
	{ name: "dev_en_receipt_01", bytes: receipt1, truth: receipt1Gt },
	{ name: "dev_en_receipt_02", bytes: receipt2, truth: receipt2Gt },
	{ name: "dev_en_sign_01", bytes: sign, truth: signGt },
	{ name: "dev_real_mmocr_star", bytes: star, truth: starGt },
	{ name: "dev_real_tjs_simple", bytes: simple, truth: simpleGt },
	{ name: "dev_real_tt_hellogoogle", bytes: hello, truth: helloGt },
	{ name: "dev_zh_mixed_01", bytes: mixed, truth: mixedGt },
	{ name: "dev_zh_para_01", bytes: zh1, truth: zh1Gt },
	{ name: "dev_zh_para_02", bytes: zh2, truth: zh2Gt },
];

/** The whole-page turns the orientation tests read (and the engine's 8-bit calibration with them). */
export const TURNED_READS: readonly [string, 90 | 180 | 270][] = [
	["dev_en_para_02", 90],
	["dev_en_para_02", 270],
	["dev_en_label_01", 90],
	["dev_en_label_01", 270],
	["dev_en_receipt_02", 90],
	["dev_zh_para_02", 270],
	["dev_en_label_01", 180],
];

export function fixture(name: string): OcrFixture {
	const f = OCR_FIXTURES.find((x) => x.name === name);
	if (!f) throw new Error(`no OCR fixture ${name}`);
	return f;
}

export async function decodeFixture(f: OcrFixture): Promise<Pixels> {
	const bytes = new Uint8Array(f.bytes);
	return decodeImage(bytes, probeImage(bytes));
}
