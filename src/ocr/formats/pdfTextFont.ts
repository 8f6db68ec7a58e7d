/**
 * The text layer's font in a PDF: a Type0 font over a CIDFontType2 whose
 * program is the glyphless font. Each distinct character of the page gets a
 * CID of its own (1, 2, … in order of first use; two bytes each under
 * Identity-H), every CID is drawn with the one blank glyph, and a ToUnicode
 * CMap maps each CID back to its character, so copying or extracting the
 * text gives the recognised text in any script, astral characters included.
 */
import { type PDFDocument, PDFHexString, PDFName, type PDFRef, PDFString } from "pdf-lib";
import { ASCENT, DESCENT, FONT_NAME, glyphlessFont, UNITS_PER_EM } from "./glyphlessFont";

export interface TextFont {
	ref: PDFRef;
	/** The text as a hex string of CIDs, ready for Tj. */
	encode(text: string): string;
}

const MAX_CID = 0xffff;
// A CMap section holds at most 100 entries (PDF 32000-1, 9.10.3).
const SECTION = 100;

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");

/** UTF-16BE of one code point, as the hex digits ToUnicode wants. */
function utf16Hex(ch: string): string {
	let out = "";
	for (let i = 0; i < ch.length; i++) out += hex4(ch.charCodeAt(i));
	return out;
}

function toUnicodeCMap(chars: readonly string[]): string {
	const entries = chars.map((ch, i) => `<${hex4(i + 1)}> <${utf16Hex(ch)}>`);
	const sections: string[] = [];
	for (let i = 0; i < entries.length; i += SECTION) {
		const part = entries.slice(i, i + SECTION);
		sections.push(`${part.length} beginbfchar\n${part.join("\n")}\nendbfchar`);
	}
	return [
		"/CIDInit /ProcSet findresource begin",
		"12 dict begin",
		"begincmap",
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
		"/CMapName /Adobe-Identity-UCS def",
		"/CMapType 2 def",
		"1 begincodespacerange",
		"<0000> <FFFF>",
		"endcodespacerange",
		...sections,
		"endcmap",
		"CMapName currentdict /CMap defineresource pop",
		"end",
		"end",
	].join("\n");
}

/** Registers the font for the characters of `texts` and returns how to encode them. */
export function embedTextFont(pdf: PDFDocument, texts: Iterable<string>): TextFont {
	const cids = new Map<string, number>();
	for (const text of texts) {
		for (const ch of text) {
			if (!cids.has(ch) && cids.size < MAX_CID) cids.set(ch, cids.size + 1);
		}
	}
	const ctx = pdf.context;
	const program = glyphlessFont();
	const fontFile = ctx.register(ctx.flateStream(program, { Length1: program.length }));
	const descriptor = ctx.register(
		ctx.obj({
			Type: "FontDescriptor",
			FontName: FONT_NAME,
			Flags: 4, // symbolic: the glyphs are not those of a standard Latin set
			FontBBox: [0, DESCENT, UNITS_PER_EM, ASCENT],
			ItalicAngle: 0,
			Ascent: ASCENT,
			Descent: DESCENT,
			CapHeight: ASCENT,
			StemV: 80,
			FontFile2: fontFile,
		}),
	);
	// CID -> glyph: CID 0 keeps .notdef, every other CID the blank glyph 1.
	const map = new Uint8Array(2 * (cids.size + 1));
	for (let cid = 1; cid <= cids.size; cid++) map[2 * cid + 1] = 1;
	const cidToGid = ctx.register(ctx.flateStream(map));
	const cidFont = ctx.register(
		ctx.obj({
			Type: "Font",
			Subtype: "CIDFontType2",
			BaseFont: FONT_NAME,
			CIDSystemInfo: { Registry: PDFString.of("Adobe"), Ordering: PDFString.of("Identity"), Supplement: 0 },
			FontDescriptor: descriptor,
			// Every glyph one em wide: a word of n characters at size s is n*s wide before Tz scales it to its box.
			DW: UNITS_PER_EM,
			CIDToGIDMap: cidToGid,
		}),
	);
	const toUnicode = ctx.register(ctx.flateStream(toUnicodeCMap([...cids.keys()])));
	const ref = ctx.register(
		ctx.obj({
			Type: "Font",
			Subtype: "Type0",
			BaseFont: FONT_NAME,
			Encoding: "Identity-H",
			DescendantFonts: [cidFont],
			ToUnicode: toUnicode,
		}),
	);
	return {
		ref,
		encode: (text) => {
			let out = "";
			for (const ch of text) out += hex4(cids.get(ch) ?? 0);
			return PDFHexString.of(out).toString();
		},
	};
}

/** The font's name in the page's resources. */
export const TEXT_FONT = "OcrText";
export const TEXT_FONT_KEY = PDFName.of(TEXT_FONT);
