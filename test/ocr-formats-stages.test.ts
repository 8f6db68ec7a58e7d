// The output formats as stages, on documents made to hold what recognised text rarely does:
// characters XML must escape or cannot carry, astral characters, a page read turned.
import { decodePDFRawStream, type PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream } from "pdf-lib";
import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import { encodeHeapBytes, encodeImage, planDecode, probeImage } from "../src/codecs";
import type { OcrDocument, Quad } from "../src/ocr/document";
import { outputBytes } from "../src/ocr/formats";
import { toAlto } from "../src/ocr/formats/alto";
import { glyphlessFont } from "../src/ocr/formats/glyphlessFont";
import { toHocr } from "../src/ocr/formats/hocr";
import { toPdf } from "../src/ocr/formats/pdf";
import { toTsv } from "../src/ocr/formats/tsv";
import { findAll, parseXml, textContent } from "./helpers/xml";

const rect = (x: number, y: number, w: number, h: number): Quad => [
	[x, y],
	[x + w, y],
	[x + w, y + h],
	[x, y + h],
];

function docOf(words: string[][], orientation: OcrDocument["orientation"] = 0): OcrDocument {
	const lines = words.map((ws, i) => {
		let x = 10;
		const placed = ws.map((text) => {
			const box = rect(x, 20 + 40 * i, 20 * [...text].length, 30);
			x += 20 * [...text].length + 15;
			return { text, confidence: 0.875, box };
		});
		return { text: ws.join(" "), confidence: 0.875, box: rect(10, 20 + 40 * i, x - 25, 30), words: placed };
	});
	return {
		text: lines.map((l) => l.text).join("\n"),
		width: 400,
		height: 40 * words.length + 40,
		orientation,
		lines,
		model: { name: "test", version: "test" },
		timings: {},
	};
}

async function pageJpeg(doc: OcrDocument) {
	const data = new Uint8ClampedArray(doc.width * doc.height * 4).fill(255);
	const jpeg = await encodeImage({ data, width: doc.width, height: doc.height }, { format: "jpeg", quality: 80 });
	return { jpeg: jpeg.bytes, width: doc.width, height: doc.height };
}

describe("XML escaping", () => {
	it("keeps markup characters as text and drops characters XML cannot carry", async () => {
		const doc = docOf([
			["a<b&c", `"q'`, "x\u0001y\uD800"],
			["</span>", "&amp;"],
		]);
		const kept = [
			["a<b&c", `"q'`, "xy"],
			["</span>", "&amp;"],
		];
		const hocr = parseXml(toHocr(doc));
		const words = findAll(hocr, (e) => e.attrs.class === "ocrx_word").map(textContent);
		expect(words).toEqual(kept.flat());
		const alto = parseXml(toAlto(doc));
		expect(findAll(alto, (e) => e.name === "String").map((e) => e.attrs.CONTENT)).toEqual(kept.flat());
	});
});

describe("TSV", () => {
	it("keeps one row a word when a word holds a tab or a newline", () => {
		const rows = toTsv(docOf([["a\tb", "c\nd"]]))
			.trimEnd()
			.split("\n");
		expect(rows.map((r) => r.split("\t").length)).toEqual(rows.map(() => 12));
		expect(rows.filter((r) => r.startsWith("5\t")).map((r) => r.split("\t")[11])).toEqual(["a b", "c d"]);
	});
});

describe("the glyphless font", () => {
	it("is a well-formed TrueType file: sorted tables, their checksums and the whole-file adjustment", () => {
		const font = glyphlessFont();
		const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
		const sum = (from: number, length: number) => {
			let s = 0;
			for (let i = 0; i < length; i += 4) {
				let word = 0;
				for (let k = 0; k < 4; k++)
					word = word * 256 + (from + i + k < font.length && i + k < length ? font[from + i + k]! : 0);
				s = (s + word) >>> 0;
			}
			return s;
		};
		expect(view.getUint32(0)).toBe(0x00010000);
		const count = view.getUint16(4);
		const tags: string[] = [];
		for (let t = 0; t < count; t++) {
			const at = 12 + 16 * t;
			const tag = String.fromCharCode(...font.subarray(at, at + 4));
			tags.push(tag);
			const [checksum, offset, length] = [view.getUint32(at + 4), view.getUint32(at + 8), view.getUint32(at + 12)];
			expect(offset % 4).toBe(0);
			expect(offset + length).toBeLessThanOrEqual(font.length);
			// head's checksum is taken with its adjustment field zeroed.
			const adjusted =
				tag === "head" ? (sum(offset, length) - view.getUint32(offset + 8) + 2 ** 32) >>> 0 : sum(offset, length);
			expect(checksum).toBe(adjusted);
		}
		expect(tags).toEqual([...tags].sort());
		for (const t of ["glyf", "head", "hhea", "hmtx", "loca", "maxp"]) expect(tags).toContain(t);
		expect(sum(0, font.length)).toBe(0xb1b0afba);
	});
});

describe("the searchable PDF", () => {
	it("is the image alone when no text was found", async () => {
		const doc = docOf([]);
		const image = await pageJpeg(doc);
		const bytes = await toPdf(doc, image, { dpi: 72 });
		const pdf = await PDFDocument.load(bytes);
		const fonts = pdf.getPage(0).node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
		expect(fonts.keys()).toEqual([]);
		expect((await extractText(bytes, { mergePages: true })).text).toBe("");
	});

	it("gives back astral characters through ToUnicode", async () => {
		const doc = docOf([["𠀀𠀁", "ok"], ["中文"]]);
		const pdf = await toPdf(doc, await pageJpeg(doc), { dpi: 72 });
		expect((await extractText(pdf, { mergePages: true })).text).toBe(doc.text);
	});

	it("sets the text of a page read turned along the turned text", async () => {
		// Orientation 90: the page was turned a quarter clockwise to be read, so in the image its text runs upwards.
		const doc = docOf([["turned"]], 90);
		const pdf = await PDFDocument.load(await toPdf(doc, await pageJpeg(doc), { dpi: 72 }));
		const contents = pdf.getPage(0).node.Contents() as PDFArray;
		const text = contents
			.asArray()
			.map((ref) => new TextDecoder().decode(decodePDFRawStream(pdf.context.lookup(ref) as PDFRawStream).decode()))
			.join("\n");
		// The text matrix points the baseline straight up the page: [0 1 -1 0 x y].
		expect(text).toMatch(/ 0 1 -1 0 [\d.]+ [\d.]+ Tm /);
	});
});

describe("admission for an output", () => {
	it("reserves the upload for a JPEG embedded as is, the view and its encode otherwise, nothing for text", async () => {
		const doc = docOf([["x"]]);
		const jpeg = (await pageJpeg(doc)).jpeg;
		const info = probeImage(jpeg);
		const plan = planDecode(jpeg, info, 2048);
		expect(outputBytes({ output: "pdf", dpi: 72 }, info, plan, jpeg.length)).toBe(jpeg.length);
		expect(outputBytes({ output: "hocr" }, info, plan, jpeg.length)).toBe(0);
		const turned = { ...info, orientation: 6 };
		const pixels = plan.width * plan.height;
		expect(outputBytes({ output: "pdf", dpi: 72 }, turned, plan, jpeg.length)).toBe(
			plan.decoderBytes + 8 * pixels + encodeHeapBytes("jpeg", plan.width, plan.height),
		);
	});
});
