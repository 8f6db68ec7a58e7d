// POST /api/ocr?output=: text, hOCR, ALTO, TSV and the searchable PDF, each read back and checked against the JSON answer.
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream, PDFRef } from "pdf-lib";
import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import { decodeImage, encodeImage, probeImage } from "../src/codecs";
import { turnClockwise } from "../src/lib/orient";
import type { Quad } from "../src/ocr/document";
import { boundsOf } from "../src/ocr/formats/layout";
import { expectError, expectOk, postImage } from "./helpers/api";
import { decodeFixture, fixture } from "./helpers/ocrFixtures";
import { childElements, findAll, parseXml, textContent, type XmlElement } from "./helpers/xml";

interface Word {
	text: string;
	confidence: number;
	box: Quad;
}
interface Line extends Word {
	words: Word[];
}
interface OcrJson {
	text: string;
	width: number;
	height: number;
	lines: Line[];
}

const MIME: Record<string, string> = { jpg: "image/jpeg", png: "image/png" };
const uploads = {
	receipt: { name: "dev_en_receipt_01", type: MIME.jpg! },
	chinese: { name: "dev_zh_mixed_01", type: MIME.jpg! },
	chinesePara: { name: "dev_zh_para_01", type: MIME.jpg! },
	form: { name: "dev_en_form_01", type: MIME.png! },
};
type Upload = (typeof uploads)[keyof typeof uploads];
const bytesOf = (u: Upload) => new Uint8Array(fixture(u.name).bytes);

const answers = new Map<string, OcrJson>();
async function json(u: Upload): Promise<OcrJson> {
	let a = answers.get(u.name);
	if (!a) {
		a = (await expectOk(await postImage("/api/ocr", bytesOf(u), u.type))) as unknown as OcrJson;
		answers.set(u.name, a);
	}
	return a;
}

async function output(u: Upload, query: string): Promise<Response> {
	const res = await postImage(`/api/ocr?${query}`, bytesOf(u), u.type);
	if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`);
	return res;
}

const hocrProps = (el: XmlElement) =>
	Object.fromEntries(
		(el.attrs.title ?? "")
			.split(";")
			.map((p) => p.trim().split(/\s+/))
			.map(([k, ...v]) => [k, v]),
	) as Record<string, string[]>;
const classOf = (cls: string) => (e: XmlElement) => (e.attrs.class ?? "").split(/\s+/).includes(cls);
const ancestorClasses = (el: XmlElement) => {
	const out: string[] = [];
	for (let p = el.parent; p; p = p.parent) if (p.attrs.class) out.push(p.attrs.class);
	return out;
};

describe("POST /api/ocr?output=text", () => {
	it("is the JSON text as text/plain", async () => {
		for (const u of [uploads.receipt, uploads.chinese]) {
			const res = await output(u, "output=text");
			expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
			expect(await res.text()).toBe((await json(u)).text);
		}
	});
});

describe("POST /api/ocr?output=hocr", () => {
	it("is hOCR 1.2 whose pages, lines and words are the JSON answer's, boxes and confidences included", async () => {
		for (const u of [uploads.receipt, uploads.chinese]) {
			const data = await json(u);
			expect(data.lines.length).toBeGreaterThan(2);
			const res = await output(u, "output=hocr");
			expect(res.headers.get("content-type")).toBe("application/xhtml+xml; charset=utf-8");
			const root = parseXml(await res.text());
			expect(root.name).toBe("html");
			expect(root.attrs.xmlns).toBe("http://www.w3.org/1999/xhtml");
			const [head, body] = childElements(root);
			expect([head?.name, body?.name]).toEqual(["head", "body"]);
			const meta = Object.fromEntries(childElements(head!, "meta").map((m) => [m.attrs.name, m.attrs.content]));
			expect(meta["ocr-system"]).toMatch(/^Inkstone \d+\.\d+\.\d+/);
			const caps = meta["ocr-capabilities"]!.split(" ");
			for (const c of ["ocr_page", "ocr_line", "ocrx_word", "ocrp_wconf"]) expect(caps).toContain(c);

			const pages = childElements(body!).filter(classOf("ocr_page"));
			expect(pages).toHaveLength(1);
			expect(hocrProps(pages[0]!).bbox).toEqual(["0", "0", String(data.width), String(data.height)]);
			// Every class used is one the document declares.
			for (const el of findAll(root, (e) => !!e.attrs.class)) expect(caps).toContain(el.attrs.class);

			const lines = findAll(pages[0]!, classOf("ocr_line"));
			expect(lines).toHaveLength(data.lines.length);
			const ids = findAll(root, (e) => !!e.attrs.id).map((e) => e.attrs.id);
			expect(new Set(ids).size).toBe(ids.length);
			lines.forEach((el, i) => {
				const line = data.lines[i]!;
				expect(el.name).toBe("span");
				expect(ancestorClasses(el)).toContain("ocr_page");
				expect(hocrProps(el).bbox!.map(Number)).toEqual(boundsOf(line.box, data));
				expect(textContent(el)).toBe(line.text);
				const words = childElements(el).filter(classOf("ocrx_word"));
				expect(childElements(el)).toHaveLength(words.length);
				expect(words.map(textContent)).toEqual(line.words.map((w) => w.text));
				words.forEach((w, j) => {
					const word = line.words[j]!;
					const props = hocrProps(w);
					expect(props.bbox!.map(Number)).toEqual(boundsOf(word.box, data));
					expect(props.x_wconf).toEqual([String(Math.round(word.confidence * 100))]);
					// A word's box lies inside its line's.
					const [l, t, r, b] = props.bbox!.map(Number);
					const [ll, lt, lr, lb] = hocrProps(el).bbox!.map(Number);
					expect(l! >= ll! - 1 && t! >= lt! - 1 && r! <= lr! + 1 && b! <= lb! + 1).toBe(true);
				});
			});
			expect(lines.map(textContent).join("")).toBe(data.lines.map((l) => l.text).join(""));
		}
	});
});

describe("POST /api/ocr?output=alto", () => {
	it("is ALTO 4 with a String per word at the JSON answer's boxes and confidences", async () => {
		const u = uploads.receipt;
		const data = await json(u);
		const res = await output(u, "output=alto");
		expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
		const root = parseXml(await res.text());
		expect(root.name).toBe("alto");
		expect(root.attrs.xmlns).toBe("http://www.loc.gov/standards/alto/ns-v4#");
		const [description, layout] = childElements(root);
		expect([description?.name, layout?.name]).toEqual(["Description", "Layout"]);
		expect(childElements(description!)[0]!.name).toBe("MeasurementUnit");
		expect(textContent(childElements(description!)[0]!)).toBe("pixel");
		const pages = childElements(layout!, "Page");
		expect(pages).toHaveLength(1);
		const page = pages[0]!;
		expect(page.attrs.ID).toBeTruthy();
		expect(page.attrs.PHYSICAL_IMG_NR).toBe("1");
		expect([page.attrs.WIDTH, page.attrs.HEIGHT]).toEqual([String(data.width), String(data.height)]);
		const printSpace = childElements(page, "PrintSpace");
		expect(printSpace).toHaveLength(1);
		const blocks = childElements(printSpace[0]!, "TextBlock");
		expect(blocks).toHaveLength(1);
		const rect = (e: XmlElement) => {
			const [x, y, w, h] = ["HPOS", "VPOS", "WIDTH", "HEIGHT"].map((k) => e.attrs[k]);
			for (const v of [x, y, w, h]) expect(v).toMatch(/^\d+$/);
			return [Number(x), Number(y), Number(x) + Number(w), Number(y) + Number(h)];
		};
		const lines = childElements(blocks[0]!);
		expect(lines.map((l) => l.name)).toEqual(data.lines.map(() => "TextLine"));
		lines.forEach((el, i) => {
			const line = data.lines[i]!;
			expect(rect(el)).toEqual(boundsOf(line.box, data));
			const strings = childElements(el, "String");
			for (const c of childElements(el)) expect(["String", "SP"]).toContain(c.name);
			expect(strings.map((s) => s.attrs.CONTENT)).toEqual(line.words.map((w) => w.text));
			strings.forEach((s, j) => {
				const word = line.words[j]!;
				expect(rect(s)).toEqual(boundsOf(word.box, data));
				expect(s.attrs.WC).toMatch(/^(0(\.\d+)?|1)$/);
				expect(Number(s.attrs.WC)).toBe(word.confidence);
			});
			// An SP stands wherever the line's text has a space between two words.
			expect(childElements(el, "SP")).toHaveLength(line.text.split(" ").length - 1);
		});
	});
});

describe("POST /api/ocr?output=tsv", () => {
	it("has Tesseract's columns and levels 1-5, words at the JSON answer's boxes and confidences", async () => {
		const u = uploads.receipt;
		const data = await json(u);
		const res = await output(u, "output=tsv");
		expect(res.headers.get("content-type")).toBe("text/tab-separated-values; charset=utf-8");
		const body = await res.text();
		expect(body.endsWith("\n")).toBe(true);
		const [header, ...rows] = body
			.slice(0, -1)
			.split("\n")
			.map((r) => r.split("\t"));
		expect(header).toEqual(
			"level page_num block_num par_num line_num word_num left top width height conf text".split(" "),
		);
		for (const r of rows) expect(r).toHaveLength(12);
		const ints = rows.map((r) => r.slice(0, 11).map(Number));
		for (const r of ints) for (const v of r) expect(Number.isInteger(v)).toBe(true);
		expect(ints[0]).toEqual([1, 1, 0, 0, 0, 0, 0, 0, data.width, data.height, -1]);
		expect(ints.filter((r) => r[0] === 2)).toHaveLength(1);
		expect(ints.filter((r) => r[0] === 3)).toHaveLength(1);
		const lineRows = rows.filter((r) => r[0] === "4");
		expect(lineRows).toHaveLength(data.lines.length);
		const box = (r: string[]) => {
			const [l, t, w, h] = r.slice(6, 10).map(Number);
			return [l!, t!, l! + w!, t! + h!];
		};
		data.lines.forEach((line, i) => {
			const lr = lineRows[i]!;
			expect(lr.slice(1, 6).map(Number)).toEqual([1, 1, 1, i + 1, 0]);
			expect(box(lr)).toEqual(boundsOf(line.box, data));
			expect([lr[10], lr[11]]).toEqual(["-1", ""]);
			const wordRows = rows.filter((r) => r[0] === "5" && r[4] === String(i + 1));
			expect(wordRows.map((r) => r[11])).toEqual(line.words.map((w) => w.text));
			wordRows.forEach((r, j) => {
				const word = line.words[j]!;
				expect(r.slice(1, 6).map(Number)).toEqual([1, 1, 1, i + 1, j + 1]);
				expect(box(r)).toEqual(boundsOf(word.box, data));
				expect(Number(r[10])).toBe(Math.round(word.confidence * 100));
			});
		});
		// Levels only ever go one deeper than the row before (a word follows its line).
		for (let k = 1; k < ints.length; k++) expect(ints[k]![0]! - ints[k - 1]![0]!).toBeLessThanOrEqual(1);
	});
});

/** The page's image XObjects and its font and content streams, through pdf-lib's object model. */
async function pdfParts(bytes: Uint8Array) {
	const pdf = await PDFDocument.load(bytes);
	expect(pdf.getPageCount()).toBe(1);
	const page = pdf.getPage(0);
	const resources = page.node.Resources()!;
	const xobjects = resources.lookup(PDFName.of("XObject"), PDFDict);
	const streams = xobjects.keys().map((k) => xobjects.lookup(k) as PDFRawStream);
	const contents = page.node.Contents();
	const parts = contents instanceof PDFArray ? contents.asArray() : [contents!];
	const content = parts
		.map((ref) =>
			new TextDecoder("latin1").decode(decodePDFRawStream(pdf.context.lookup(ref) as PDFRawStream).decode()),
		)
		.join("\n");
	const fonts = resources.lookup(PDFName.of("Font"), PDFDict);
	return { pdf, page, images: streams, content, fonts };
}

const nameOf = (dict: PDFDict, key: string) => dict.get(PDFName.of(key))?.toString();

describe("POST /api/ocr?output=pdf", () => {
	it("is the upload's JPEG as is under a text layer that extracts to the JSON text, in Latin and Chinese", async () => {
		for (const u of [uploads.receipt, uploads.chinese, uploads.chinesePara]) {
			const data = await json(u);
			const res = await output(u, "output=pdf");
			expect(res.headers.get("content-type")).toBe("application/pdf");
			const bytes = new Uint8Array(await res.arrayBuffer());
			const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
			expect(text).toBe(data.text);

			const { page, images, content, fonts } = await pdfParts(bytes);
			// 72 dpi by default: a point a pixel.
			const size = page.getSize();
			expect([size.width, size.height]).toEqual([data.width, data.height]);
			expect(images).toHaveLength(1);
			const image = images[0]!;
			expect(nameOf(image.dict, "Subtype")).toBe("/Image");
			expect(nameOf(image.dict, "Filter")).toBe("/DCTDecode");
			expect([
				image.dict.get(PDFName.of("Width"))?.toString(),
				image.dict.get(PDFName.of("Height"))?.toString(),
			]).toEqual([String(data.width), String(data.height)]);
			// Not recompressed: the stream is the upload, byte for byte.
			expect(image.contents).toEqual(bytesOf(u));
			// Invisible text (render mode 3) in the glyphless Type0 font.
			expect(content).toMatch(/\b3 Tr\b/);
			const font = fonts.lookup(PDFName.of("OcrText"), PDFDict);
			expect(nameOf(font, "Subtype")).toBe("/Type0");
			expect(nameOf(font, "Encoding")).toBe("/Identity-H");
			expect(font.get(PDFName.of("ToUnicode"))).toBeInstanceOf(PDFRef);
			const cid = font.lookup(PDFName.of("DescendantFonts"), PDFArray).lookup(0, PDFDict);
			expect(nameOf(cid, "Subtype")).toBe("/CIDFontType2");
			expect(cid.lookup(PDFName.of("FontDescriptor"), PDFDict).get(PDFName.of("FontFile2"))).toBeInstanceOf(PDFRef);
			// One Tj per word, plus one per separator between words and between lines of a row.
			const words = data.lines.reduce((n, l) => n + l.words.length, 0);
			expect((content.match(/ Tj\n/g) ?? []).length).toBeGreaterThanOrEqual(words);
		}
	});

	it("encodes the decoded view of a PNG as JPEG, and sizes the page from dpi", async () => {
		const u = uploads.form;
		const data = await json(u);
		const res = await output(u, "output=pdf&dpi=300");
		const bytes = new Uint8Array(await res.arrayBuffer());
		const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
		expect(text).toBe(data.text);
		const { page, images } = await pdfParts(bytes);
		const size = page.getSize();
		expect(size.width).toBeCloseTo((data.width * 72) / 300, 3);
		expect(size.height).toBeCloseTo((data.height * 72) / 300, 3);
		const jpeg = images[0]!.contents;
		const info = probeImage(jpeg);
		expect([info.format, info.width, info.height]).toEqual(["jpeg", data.width, data.height]);
		const pixels = await decodeImage(jpeg, info);
		expect([pixels.width, pixels.height]).toEqual([data.width, data.height]);
	});

	it("sets the text of a page lying sideways along its lines, and still extracts to the JSON text", async () => {
		// The label turned a quarter clockwise with no EXIF tag: read at orientation 270, its text running down the image.
		const f = fixture("dev_en_label_01");
		const png = await encodeImage(turnClockwise(await decodeFixture(f), 90), { format: "png", quality: 100 });
		const sideways = { bytes: png.bytes, type: MIME.png! };
		const data = (await expectOk(await postImage("/api/ocr", sideways.bytes, sideways.type))) as unknown as OcrJson & {
			orientation: number;
		};
		expect(data.orientation).toBe(270);
		const hocr = parseXml(await (await postImage("/api/ocr?output=hocr", sideways.bytes, sideways.type)).text());
		const lines = findAll(hocr, classOf("ocr_line"));
		expect(lines.map((l) => hocrProps(l).textangle)).toEqual(lines.map(() => ["270"]));
		const res = await postImage("/api/ocr?output=pdf", sideways.bytes, sideways.type);
		const bytes = new Uint8Array(await res.arrayBuffer());
		const { content } = await pdfParts(bytes);
		// Every word runs down the page (text matrix [0 -1 1 0 x y]), a slanted line within a few degrees of it.
		const matrices = [...content.matchAll(/ Tz (\S+) (\S+) \S+ \S+ \S+ \S+ Tm /g)].map((m) => [
			Number(m[1]),
			Number(m[2]),
		]);
		expect(matrices.length).toBeGreaterThan(0);
		for (const [a, b] of matrices) expect(Math.abs(a!) < 0.1 && Math.abs(b! + 1) < 0.01).toBe(true);
		expect(matrices.filter(([a, b]) => a === 0 && b === -1).length).toBeGreaterThan(matrices.length / 2);
		expect((await extractText(bytes, { mergePages: true })).text).toBe(data.text);
	});

	it("refuses an unknown output and a dpi out of range with 422, naming the values", async () => {
		const img = bytesOf(uploads.receipt);
		const bad = await expectError(await postImage("/api/ocr?output=docx", img, "image/jpeg"), 422, "invalid_parameter");
		expect(bad.error!.message).toBe("output must be one of json, text, hocr, alto, tsv, pdf");
		for (const dpi of ["5", "9999", "abc"]) {
			const err = await expectError(
				await postImage(`/api/ocr?output=pdf&dpi=${dpi}`, img, "image/jpeg"),
				422,
				"invalid_parameter",
			);
			expect(err.error!.message).toBe("dpi must be a number from 10 to 2400");
		}
	});
});

describe("the result cache", () => {
	it("keys each output (and a PDF's dpi) apart", async () => {
		const u = uploads.chinese;
		await json(u);
		const etags = new Set<string>();
		for (const q of ["output=json", "output=hocr", "output=pdf", "output=pdf&dpi=144"]) {
			const first = await output(u, q);
			await first.arrayBuffer();
			const again = await output(u, q);
			await again.arrayBuffer();
			expect(again.headers.get("x-cache")).toBe("HIT");
			expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
			etags.add(first.headers.get("etag")!);
		}
		expect(etags.size).toBe(4);
	});
});
