/**
 * The OCR answer in the formats other tools read, chosen by `?output=`.
 * Media types follow what Tesseract and OCRmyPDF users feed their tools:
 * hOCR is XHTML with an XML declaration (Tesseract writes it so, and
 * OCRmyPDF and hocr-tools read it with XML parsers), so it goes out as
 * application/xhtml+xml, which tells a browser to parse it as XML too and
 * show the words. ALTO has no media type of its own and is plain
 * application/xml; TSV is text/tab-separated-values.
 */
import { type DecodePlan, encodeHeapBytes, type ImageInfo } from "../../codecs";
import { UnprocessableError } from "../../lib/errors";
import type { Pixels } from "../../lib/pixels";
import type { OcrDocument } from "../document";
import { toAlto } from "./alto";
import { toHocr } from "./hocr";
import { toPdf } from "./pdf";
import { embedsAsIs, pdfImageOf } from "./pdfImage";
import { toText } from "./text";
import { toTsv } from "./tsv";

export const OCR_OUTPUTS = ["json", "text", "hocr", "alto", "tsv", "pdf"] as const;
export type OcrOutput = (typeof OCR_OUTPUTS)[number];

export const DPI_DEFAULT = 72;
export const DPI_RANGE = [10, 2400] as const;

export interface OutputChoice {
	output: OcrOutput;
	/** Only a PDF has a page size; the other outputs carry none. */
	dpi?: number;
}

/** `output` and `dpi` from the query; 422 naming the allowed values or the range. */
export function parseOcrOutput(raw: Record<string, string | undefined>): OutputChoice {
	const output = (raw.output === undefined || raw.output === "" ? "json" : raw.output.toLowerCase()) as OcrOutput;
	if (!OCR_OUTPUTS.includes(output)) {
		throw new UnprocessableError("invalid_parameter", `output must be one of ${OCR_OUTPUTS.join(", ")}`, {
			parameter: "output",
			allowed: OCR_OUTPUTS,
		});
	}
	let dpi: number = DPI_DEFAULT;
	if (raw.dpi !== undefined && raw.dpi !== "") {
		dpi = Number(raw.dpi);
		if (!Number.isFinite(dpi) || dpi < DPI_RANGE[0] || dpi > DPI_RANGE[1]) {
			throw new UnprocessableError(
				"invalid_parameter",
				`dpi must be a number from ${DPI_RANGE[0]} to ${DPI_RANGE[1]}`,
				{
					parameter: "dpi",
					range: DPI_RANGE,
				},
			);
		}
	}
	return output === "pdf" ? { output, dpi } : { output };
}

/**
 * Memory an output takes beyond the OCR's own reservation, for admission.
 * The text formats are a few kilobytes. A PDF holds its image twice at the
 * end (the JPEG and the saved file's copy of it): the upload itself when it
 * goes in as it is, else the view decoded again (the first one is garbage
 * by then, but not necessarily collected), its encoder's heap, and at most
 * 2 bytes a pixel for each of the JPEG and its copy (quality 85 with 4:2:0
 * stays well under that even on noise).
 */
export function outputBytes(choice: OutputChoice, info: ImageInfo, plan: DecodePlan, uploadBytes: number): number {
	if (choice.output !== "pdf") return 0;
	if (embedsAsIs(info)) return uploadBytes;
	const pixels = plan.width * plan.height;
	return plan.decoderBytes + 4 * pixels + encodeHeapBytes("jpeg", plan.width, plan.height) + 4 * pixels;
}

/** What the PDF needs beyond the document: the upload, its header and the view it was read from. */
export interface OcrSource {
	upload: Uint8Array;
	info: ImageInfo;
	/** The decoded view the text was read from; only asked for when the upload cannot go in as it is. */
	view: () => Promise<Pixels>;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The document in a non-JSON output, with its media type. */
export async function renderOcr(
	choice: OutputChoice & { output: Exclude<OcrOutput, "json"> },
	doc: OcrDocument,
	source: OcrSource,
): Promise<{ body: Uint8Array; contentType: string }> {
	switch (choice.output) {
		case "text":
			return { body: utf8(toText(doc)), contentType: "text/plain; charset=utf-8" };
		case "hocr":
			return { body: utf8(toHocr(doc)), contentType: "application/xhtml+xml; charset=utf-8" };
		case "alto":
			return { body: utf8(toAlto(doc)), contentType: "application/xml; charset=utf-8" };
		case "tsv":
			return { body: utf8(toTsv(doc)), contentType: "text/tab-separated-values; charset=utf-8" };
		case "pdf": {
			const image = await pdfImageOf(source.upload, source.info, source.view);
			return { body: await toPdf(doc, image, { dpi: choice.dpi ?? DPI_DEFAULT }), contentType: "application/pdf" };
		}
	}
}
