/**
 * ALTO 4 in pixels: one Page with its PrintSpace, one TextBlock (the
 * recogniser finds lines, not blocks), a TextLine per line and a String per
 * word with HPOS/VPOS/WIDTH/HEIGHT and WC (0-1), an SP wherever the line's
 * text has a space between two words. No processing date is written: the
 * same upload gives the same bytes, which the result cache relies on.
 */
import { escapeXml } from "../../lib/xml";
import type { OcrDocument } from "../document";
import { layoutOf, type Rect, unionOf } from "./layout";
import { SOFTWARE_NAME, SOFTWARE_VERSION } from "./system";

const ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#";
const SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd";

const position = (r: Rect) => `HPOS="${r[0]}" VPOS="${r[1]}" WIDTH="${r[2] - r[0]}" HEIGHT="${r[3] - r[1]}"`;

/** WC is a decimal from 0 to 1, given to the JSON answer's four places. */
const wc = (confidence: number) => String(Math.round(Math.min(Math.max(confidence, 0), 1) * 10000) / 10000);

export function toAlto(doc: OcrDocument): string {
	const lines = layoutOf(doc);
	const out = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<alto xmlns="${ALTO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${ALTO_NS} ${SCHEMA}">`,
		" <Description>",
		"  <MeasurementUnit>pixel</MeasurementUnit>",
		'  <Processing ID="OCR_0">',
		"   <processingStepDescription>contentGeneration</processingStepDescription>",
		"   <processingSoftware>",
		`    <softwareName>${escapeXml(SOFTWARE_NAME)}</softwareName>`,
		`    <softwareVersion>${escapeXml(SOFTWARE_VERSION)}</softwareVersion>`,
		"   </processingSoftware>",
		"  </Processing>",
		" </Description>",
		" <Layout>",
		`  <Page ID="page_1" PHYSICAL_IMG_NR="1" WIDTH="${doc.width}" HEIGHT="${doc.height}">`,
		`   <PrintSpace ${position([0, 0, doc.width, doc.height])}>`,
	];
	if (lines.length > 0) {
		const block = unionOf(
			lines.map((l) => l.rect),
			doc,
		);
		// ROTATION is the text's angle in the image, counter-clockwise: that of a page read turned.
		const rotation = doc.orientation === 0 ? "" : ` ROTATION="${doc.orientation}"`;
		out.push(`    <TextBlock ID="block_1" ${position(block)}${rotation}>`);
		for (const l of lines) {
			out.push(`     <TextLine ID="line_${l.n}" ${position(l.rect)}>`);
			for (const [i, w] of l.words.entries()) {
				out.push(
					`      <String ID="string_${l.n}_${w.n}" ${position(w.rect)} WC="${wc(w.word.confidence)}" CONTENT="${escapeXml(w.word.text)}"/>`,
				);
				const next = l.words[i + 1];
				if (next && /\s/.test(w.joiner)) {
					// The space runs from this word's right edge to the next one's left (none when they touch).
					const width = Math.max(0, next.rect[0] - w.rect[2]);
					out.push(`      <SP WIDTH="${width}" HPOS="${w.rect[2]}" VPOS="${w.rect[1]}"/>`);
				}
			}
			out.push("     </TextLine>");
		}
		out.push("    </TextBlock>");
	}
	out.push("   </PrintSpace>", "  </Page>", " </Layout>", "</alto>", "");
	return out.join("\n");
}
