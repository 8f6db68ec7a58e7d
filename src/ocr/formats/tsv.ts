/**
 * Tesseract's TSV layout: one row per page (level 1), block (2), paragraph
 * (3), line (4) and word (5), each numbered within its parent, with the
 * bounding rectangle as left, top, width, height. Only words carry a
 * confidence (0-100) and text; the other levels have -1 and an empty text,
 * as Tesseract writes them. The recogniser finds lines, not blocks or
 * paragraphs, so every line sits in block 1, paragraph 1.
 */
import type { OcrDocument } from "../document";
import { layoutOf, percent, type Rect, unionOf } from "./layout";

const HEADER = [
	"level",
	"page_num",
	"block_num",
	"par_num",
	"line_num",
	"word_num",
	"left",
	"top",
	"width",
	"height",
	"conf",
	"text",
];

/** Tabs and line breaks inside a word would break the columns; they are read as spaces. */
const cell = (text: string) => text.replace(/[\t\r\n]/g, " ");

function row(ids: [number, number, number, number, number, number], r: Rect, conf: number, text = ""): string {
	return [...ids, r[0], r[1], r[2] - r[0], r[3] - r[1], conf, cell(text)].join("\t");
}

export function toTsv(doc: OcrDocument): string {
	const lines = layoutOf(doc);
	const rows = [HEADER.join("\t"), row([1, 1, 0, 0, 0, 0], [0, 0, doc.width, doc.height], -1)];
	if (lines.length > 0) {
		const block = unionOf(
			lines.map((l) => l.rect),
			doc,
		);
		rows.push(row([2, 1, 1, 0, 0, 0], block, -1), row([3, 1, 1, 1, 0, 0], block, -1));
	}
	for (const l of lines) {
		rows.push(row([4, 1, 1, 1, l.n, 0], l.rect, -1));
		for (const w of l.words) rows.push(row([5, 1, 1, 1, l.n, w.n], w.rect, percent(w.word.confidence), w.word.text));
	}
	return `${rows.join("\n")}\n`;
}
