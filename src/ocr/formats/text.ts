import type { OcrDocument } from "../document";

/** The page's text exactly as the JSON answer's `text`: rows joined by newlines. */
export function toText(doc: OcrDocument): string {
	return doc.text;
}
