/**
 * A searchable PDF: one page the size of the image at the given resolution,
 * the image drawn over the whole page, and over it every word as invisible
 * text (render mode 3) set along the word's box: the font size is the box's
 * height, the text matrix turns it to the box's slant, and horizontal
 * scaling (Tz) stretches it to the box's width. Between two words the line's
 * own separator (a space, or nothing between Chinese runs) is set across the
 * gap, and between two lines of one row a space, so that selecting or
 * extracting the text gives back the answer's text with its spacing.
 */
import { PDFDocument } from "pdf-lib";
import type { OcrDocument, PageOrientation, Point, Quad } from "../document";
import { DESCENT, UNITS_PER_EM } from "./glyphlessFont";
import { joinersOf, wordsOf } from "./layout";
import { embedTextFont, TEXT_FONT, TEXT_FONT_KEY, type TextFont } from "./pdfTextFont";
import { SOFTWARE_NAME, SOFTWARE_VERSION } from "./system";

/** A baseline JPEG (or progressive) of the page, as PDF's DCTDecode reads it. */
export interface PdfImage {
	jpeg: Uint8Array;
	width: number;
	height: number;
}

export interface PdfOptions {
	/** Pixels per inch of the page: a pixel is 72/dpi points. */
	dpi: number;
}

/** A run of text placed in PDF points: origin on the baseline, unit direction, height and width. */
interface Run {
	origin: Point;
	dir: Point;
	height: number;
	width: number;
}

const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const len = (v: Point) => Math.hypot(v[0], v[1]);
const num = (v: number) => Number(v.toFixed(3)).toString();

/**
 * The box's corners in the text's own order. Boxes list the image's
 * top-left corner first; on a page read turned a quarter turn clockwise
 * (orientation 90) the text runs up the image, so its top-left is the
 * image's bottom-left corner, and so on round.
 */
function textCorners(q: Quad, orientation: PageOrientation): Quad {
	const first = ((360 - orientation) / 90) % 4;
	return [0, 1, 2, 3].map((k) => q[(k + first) % 4]) as Quad;
}

/**
 * The quad in page space (y up, points): the baseline runs along the mean of
 * its top and bottom edges, and sits the font's descent above the bottom
 * edge so the em box (ascent + descent) covers the box from bottom to top.
 */
function runOf(box: Quad, doc: OcrDocument, scale: number): Run | null {
	const q = textCorners(box, doc.orientation);
	const [tl, tr, br, bl] = q.map(([x, y]) => [x * scale, (doc.height - y) * scale] as Point) as Quad;
	const along = sub(tr, tl);
	const along2 = sub(br, bl);
	const dirRaw: Point = [along[0] + along2[0], along[1] + along2[1]];
	const height = (len(sub(tl, bl)) + len(sub(tr, br))) / 2;
	const width = (len(along) + len(along2)) / 2;
	const d = len(dirRaw);
	if (!(height > 0) || !(width > 0) || d === 0) return null;
	const dir: Point = [dirRaw[0] / d, dirRaw[1] / d];
	const up: Point = [-dir[1], dir[0]];
	const lift = (-DESCENT / UNITS_PER_EM) * height;
	return { origin: [bl[0] + up[0] * lift, bl[1] + up[1] * lift], dir, height, width };
}

/** Operators that set `text` on the run, stretched to its width. */
function show(font: TextFont, text: string, run: Run, width = run.width): string {
	const glyphs = [...text].length;
	if (glyphs === 0) return "";
	const [a, b] = run.dir;
	const size = run.height;
	const stretch = (100 * width) / (glyphs * size);
	return `/${TEXT_FONT} ${num(size)} Tf ${num(stretch)} Tz ${num(a)} ${num(b)} ${num(-b)} ${num(a)} ${num(run.origin[0])} ${num(run.origin[1])} Tm ${font.encode(text)} Tj\n`;
}

/**
 * `text` from the end of one run to the start of the next, on the first
 * run's baseline; a gap that is not there (touching or overlapping boxes) is
 * given a tenth of the height so the separator still has a place.
 */
function bridge(font: TextFont, text: string, from: Run, to: Run): string {
	if (text === "") return "";
	const end: Point = [from.origin[0] + from.dir[0] * from.width, from.origin[1] + from.dir[1] * from.width];
	const gap = (to.origin[0] - end[0]) * from.dir[0] + (to.origin[1] - end[1]) * from.dir[1];
	return show(font, text, { ...from, origin: end }, Math.max(gap, from.height / 10));
}

function textLayer(doc: OcrDocument, font: TextFont, scale: number): string {
	const lines = doc.lines.map((line) => {
		const words = wordsOf(line);
		return { words, runs: words.map((w) => runOf(w.box, doc, scale)), joiners: joinersOf(line.text, words) };
	});
	// What separates lines in the page text: a space between lines of one row, a newline between rows.
	const rowJoiners = joinersOf(
		doc.text,
		doc.lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box })),
	);
	let ops = "";
	lines.forEach((line, i) => {
		line.words.forEach((word, j) => {
			const run = line.runs[j];
			if (!run) return;
			ops += show(font, word.text, run);
			const next = line.runs[j + 1];
			if (next) ops += bridge(font, line.joiners[j] ?? "", run, next);
		});
		const last = line.runs.at(-1);
		const following = lines[i + 1]?.runs[0];
		const joiner = rowJoiners[i] ?? "";
		if (last && following && !joiner.includes("\n")) ops += bridge(font, joiner, last, following);
	});
	return `q BT 3 Tr\n${ops}ET Q\n`;
}

/** The PDF's bytes. The same document and image always give the same bytes (no dates are written). */
export async function toPdf(doc: OcrDocument, image: PdfImage, options: PdfOptions): Promise<Uint8Array> {
	const scale = 72 / options.dpi;
	const pdf = await PDFDocument.create({ updateMetadata: false });
	pdf.setProducer(`${SOFTWARE_NAME} ${SOFTWARE_VERSION} (pdf-lib)`);
	pdf.setCreator(SOFTWARE_NAME);
	const width = doc.width * scale;
	const height = doc.height * scale;
	const page = pdf.addPage([width, height]);
	const embedded = await pdf.embedJpg(image.jpeg);
	page.drawImage(embedded, { x: 0, y: 0, width, height });
	if (doc.lines.length > 0) {
		// The page text holds every character the layer sets: the words and the separators between them.
		const font = embedTextFont(pdf, [doc.text, ...doc.lines.flatMap((l) => wordsOf(l).map((w) => w.text))]);
		page.node.setFontDictionary(TEXT_FONT_KEY, font.ref);
		page.node.addContentStream(pdf.context.register(pdf.context.flateStream(textLayer(doc, font, scale))));
	}
	return pdf.save();
}
