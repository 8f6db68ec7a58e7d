/** Image formats the service reads and writes. */
export type ImageFormat = "jpeg" | "png" | "webp";

export const SUPPORTED_FORMATS: readonly ImageFormat[] = ["jpeg", "png", "webp"];

export const MIME_TYPES: Record<ImageFormat, string> = {
	jpeg: "image/jpeg",
	png: "image/png",
	webp: "image/webp",
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
	if (bytes.length < at + prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
	return true;
}

/**
 * Identifies the format from magic bytes alone. The declared content type is
 * never trusted: clients mislabel uploads, and attackers do it on purpose.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
	if (startsWith(bytes, PNG_SIGNATURE)) return "png";
	// RIFF....WEBP
	if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return "webp";
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
