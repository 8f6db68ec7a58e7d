/**
 * hOCR 1.2: an XHTML page whose elements carry the layout in their class and
 * title. The page holds one content area and one paragraph (the recogniser
 * finds lines, not blocks), then a `ocr_line` per line and an `ocrx_word`
 * per word, each with its `bbox` in upload pixels and the word's `x_wconf`
 * (0-100). The nesting and ids follow Tesseract's own hOCR, which is what
 * hOCR consumers (OCRmyPDF, hocr-tools) are written against.
 */
import { escapeXml } from "../../lib/xml";
import type { OcrDocument } from "../document";
import { layoutOf, percent, type Rect, unionOf } from "./layout";
import { OCR_SYSTEM } from "./system";

const CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf";

const bbox = (r: Rect) => `bbox ${r[0]} ${r[1]} ${r[2]} ${r[3]}`;

export function toHocr(doc: OcrDocument): string {
	const lines = layoutOf(doc);
	const out = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
		'<html xmlns="http://www.w3.org/1999/xhtml">',
		" <head>",
		"  <title>OCR result</title>",
		'  <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>',
		`  <meta name="ocr-system" content="${escapeXml(OCR_SYSTEM)}"/>`,
		`  <meta name="ocr-capabilities" content="${CAPABILITIES}"/>`,
		`  <meta name="ocr-number-of-pages" content="1"/>`,
		" </head>",
		" <body>",
		`  <div class="ocr_page" id="page_1" title="${bbox([0, 0, doc.width, doc.height])}; ppageno 0">`,
	];
	if (lines.length > 0) {
		const area = bbox(
			unionOf(
				lines.map((l) => l.rect),
				doc,
			),
		);
		out.push(`   <div class="ocr_carea" id="block_1_1" title="${area}">`);
		out.push(`    <p class="ocr_par" id="par_1_1" title="${area}">`);
		// A page read turned has its text at that angle (counter-clockwise) in the image.
		const angle = doc.orientation === 0 ? "" : `; textangle ${doc.orientation}`;
		for (const l of lines) {
			// The words with what separates them in the line's text, so the line's text content is the line's text.
			const words = l.words.map(
				(w) =>
					`<span class="ocrx_word" id="word_1_${l.n}_${w.n}" title="${bbox(w.rect)}; x_wconf ${percent(w.word.confidence)}">${escapeXml(w.word.text)}</span>${escapeXml(w.joiner)}`,
			);
			out.push(
				`     <span class="ocr_line" id="line_1_${l.n}" title="${bbox(l.rect)}${angle}">${words.join("")}</span>`,
			);
		}
		out.push("    </p>", "   </div>");
	}
	out.push("  </div>", " </body>", "</html>", "");
	return out.join("\n");
}
