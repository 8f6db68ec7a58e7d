/**
 * A searchable PDF: one page the size of the image at the given resolution,
 * the image drawn over the whole page, and over it every word as invisible
 * text (render mode 3). Each line's words sit on the line's baseline at the
 * line's height (the font size), each from its own box's start to its end,
 * stretched there by horizontal scaling (Tz). Between two words the line's
 * own separator (a space, or nothing between Chinese runs) is set across the
 * gap, and between two lines of one row a space, so that selecting or
 * extracting the text gives back the answer's text with its spacing.
 */
import { PDFDocument } from "pdf-lib";
import type { OcrDocument, OcrWord, PageOrientation, Point, Quad } from "../document";
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
 * A slanted baseline is set level (or upright, on a page read turned) when
 * its ends rise by at most this share of the line's height across it: the
 * level em box still covers the text, and text extractors (pdf.js among
 * them) compare the positions of rotated glyphs in a frame that is scaled
 * by each word's own Tz, so on a rotated baseline they read every word of
 * a line as a line of its own.
 */
const LEVEL_RISE = 0.5;

/** The direction snapped to the nearest axis when the slant is small enough to leave unrotated. */
function levelled(dir: Point, width: number, height: number): Point {
	const axis: Point = Math.abs(dir[0]) >= Math.abs(dir[1]) ? [Math.sign(dir[0]), 0] : [0, Math.sign(dir[1])];
	const sine = Math.abs(dir[0] * axis[1] - dir[1] * axis[0]);
	return sine * width <= LEVEL_RISE * height ? axis : dir;
}

/**
 * The quad in page space (y up, points): the baseline runs along the mean of
 * its top and bottom edges through the middle of the bottom edge, and sits
 * the font's descent above it so the em box (ascent + descent) covers the
 * box from bottom to top.
 */
function runOf(box: Quad, doc: OcrDocument, scale: number): Run | null {
	const q = textCorners(box, doc.orientation);
	const [tl, tr, br, bl] = q.map(([x, y]) => [x * scale, (doc.height - y) * scale] as Point) as Quad;
	const top = sub(tr, tl);
	const bottom = sub(br, bl);
	const sum: Point = [top[0] + bottom[0], top[1] + bottom[1]];
	const height = (len(sub(tl, bl)) + len(sub(tr, br))) / 2;
	const width = (len(top) + len(bottom)) / 2;
	const d = len(sum);
	if (!(height > 0) || !(width > 0) || d === 0) return null;
	const dir = levelled([sum[0] / d, sum[1] / d], width, height);
	const up: Point = [-dir[1], dir[0]];
	const lift = (-DESCENT / UNITS_PER_EM) * height;
	const mid: Point = [(bl[0] + br[0]) / 2 + up[0] * lift, (bl[1] + br[1]) / 2 + up[1] * lift];
	return { origin: [mid[0] - (dir[0] * width) / 2, mid[1] - (dir[1] * width) / 2], dir, height, width };
}

/** Operators that set `text` at `at` along the run's baseline, stretched to `width`. */
function show(font: TextFont, text: string, run: Run, at: number, width: number): string {
	const glyphs = [...text].length;
	if (glyphs === 0) return "";
	const [a, b] = run.dir;
	const x = run.origin[0] + a * at;
	const y = run.origin[1] + b * at;
	const size = run.height;
	const stretch = (100 * width) / (glyphs * size);
	return `/${TEXT_FONT} ${num(size)} Tf ${num(stretch)} Tz ${num(a)} ${num(b)} ${num(-b)} ${num(a)} ${num(x)} ${num(y)} Tm ${font.encode(text)} Tj\n`;
}

/** How far along the run's baseline a point lies. */
const along = (run: Run, p: Point) => (p[0] - run.origin[0]) * run.dir[0] + (p[1] - run.origin[1]) * run.dir[1];

// Text extractors (pdf.js among them) read a space where the pen jumps by more than a few hundredths
// of the font size, and none where it moves less: a space needs a gap of its own, no separator needs none.
const SPACE_GAP = 0.15;
const MIN_GLYPH = 0.1;

interface Span {
	text: string;
	start: number;
	end: number;
}

/**
 * Each word's extent along its line's baseline, from its box, then evened
 * out with its neighbour: words with no separator (runs of Chinese
 * characters) are made to meet, words with one are kept at least a space
 * apart, so extraction reads the separators the line's text has.
 */
function spansOf(run: Run, words: readonly OcrWord[], joiners: readonly string[], toPage: (p: Point) => Point): Span[] {
	const h = run.height;
	const spans = words.map((w) => {
		const t = w.box.map((p) => along(run, toPage(p)));
		return { text: w.text, start: Math.min(...t), end: Math.max(...t) };
	});
	for (let j = 0; j + 1 < spans.length; j++) {
		const cur = spans[j]!;
		const next = spans[j + 1]!;
		const minWidth = (s: Span) => MIN_GLYPH * h * [...s.text].length;
		if (joiners[j] === "") {
			cur.end = Math.max(next.start, cur.start + minWidth(cur));
			next.start = cur.end;
		} else {
			cur.end = Math.max(Math.min(cur.end, next.start - SPACE_GAP * h), cur.start + minWidth(cur));
			next.start = Math.max(next.start, cur.end + SPACE_GAP * h);
		}
		next.end = Math.max(next.end, next.start + minWidth(next));
	}
	return spans;
}

function textLayer(doc: OcrDocument, font: TextFont, scale: number): string {
	const toPage = ([x, y]: Point): Point => [x * scale, (doc.height - y) * scale];
	// What separates lines in the page text: a space between lines of one row, a newline between rows.
	const rowJoiners = joinersOf(
		doc.text,
		doc.lines.map((l) => ({ text: l.text, confidence: l.confidence, box: l.box })),
	);
	let ops = "";
	let previous: { run: Run; end: number } | null = null;
	for (const [i, line] of doc.lines.entries()) {
		// Every word of a line sits on the line's baseline at the line's size, as its text is one line.
		const run = runOf(line.box, doc, scale);
		if (!run) continue;
		const words = wordsOf(line);
		const joiners = joinersOf(line.text, words);
		const spans = spansOf(run, words, joiners, toPage);
		const rowJoiner = i > 0 ? (rowJoiners[i - 1] ?? "") : "\n";
		if (previous && spans[0] && !rowJoiner.includes("\n")) {
			// A space from the end of the row's previous line to the start of this one, on the previous baseline.
			const start = along(previous.run, [
				run.origin[0] + run.dir[0] * spans[0].start,
				run.origin[1] + run.dir[1] * spans[0].start,
			]);
			ops += show(
				font,
				rowJoiner,
				previous.run,
				previous.end,
				Math.max(start - previous.end, SPACE_GAP * previous.run.height),
			);
		}
		spans.forEach((span, j) => {
			ops += show(font, span.text, run, span.start, span.end - span.start);
			const next = spans[j + 1];
			if (next) ops += show(font, joiners[j] ?? "", run, span.end, next.start - span.end);
		});
		const last = spans.at(-1);
		previous = last ? { run, end: last.end } : null;
	}
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
