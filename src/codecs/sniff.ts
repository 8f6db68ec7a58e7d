import { type ImageFormat, startsWith } from "./format";
import { READERS } from "./formats";

export type { ImageFormat } from "./format";

/**
 * Identifies the format from magic bytes alone. The declared content type is
 * never trusted: clients mislabel uploads, and attackers do it on purpose.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
	for (const reader of Object.values(READERS)) if (reader.sniff(bytes)) return reader.format;
	return null;
}

/** Best-effort name for a format we refuse, so the 415 message can say what it saw. */
export function describeUnknown(bytes: Uint8Array): string {
	if (bytes.length === 0) return "an empty body";
	if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return "GIF";
	if (startsWith(bytes, [0x42, 0x4d])) return "BMP";
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "TIFF";
	if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return "PDF";
	if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) return "an ISO-BMFF file (HEIC/AVIF/MP4)";
	if (startsWith(bytes, [0x3c])) return "text or markup";
	return "an unrecognised format";
}
