/**
 * The image a searchable PDF shows. A JPEG upload that is displayed as
 * stored (no EXIF turn or mirror) goes in as it is: PDF's DCTDecode reads
 * it, so it keeps its full size and is not recompressed. Anything else (PNG,
 * WebP, a JPEG with an orientation tag, or an Adobe CMYK/YCCK JPEG, whose
 * inverted inks PDF readers disagree about) is the decoded view the text
 * was read from, encoded as JPEG by our encoder; transparent pixels are put
 * on white, as the recogniser saw them.
 */
import { encodeImage, type ImageInfo } from "../../codecs";
import type { Pixels } from "../../lib/pixels";
import { onWhite } from "../resample";
import type { PdfImage } from "./pdf";

export const PDF_JPEG_QUALITY = 85;

/** Whether the upload's own bytes can be the PDF's image. */
export function embedsAsIs(info: ImageInfo): boolean {
	return info.format === "jpeg" && info.orientation === 1 && (info.components === 1 || info.components === 3);
}

export async function pdfImageOf(upload: Uint8Array, info: ImageInfo, view: () => Promise<Pixels>): Promise<PdfImage> {
	if (embedsAsIs(info)) return { jpeg: upload, width: info.width, height: info.height };
	const pixels = onWhite(await view());
	const encoded = await encodeImage(pixels, { format: "jpeg", quality: PDF_JPEG_QUALITY });
	return { jpeg: encoded.bytes, width: pixels.width, height: pixels.height };
}
