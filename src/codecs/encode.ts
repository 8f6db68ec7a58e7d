import { UnprocessableError } from "../lib/errors";
import type { Pixels } from "../lib/pixels";
import type { ImageFormat } from "./format";
import { MIME_TYPES, SUPPORTED_FORMATS, WRITERS } from "./formats";

export interface EncodeRequest {
	/** Explicit `?format=`; wins over Accept. */
	format?: string | undefined;
	/** The request's Accept header. */
	accept?: string | undefined;
	/** Explicit `?quality=` (1-100). */
	quality?: string | undefined;
}

export interface OutputChoice {
	format: ImageFormat;
	quality: number;
}

const DEFAULT_QUALITY = 85;
const ALIASES: Record<string, ImageFormat> = { jpg: "jpeg", jpeg: "jpeg", png: "png", webp: "webp" };

/**
 * Picks the output format: `?format=` when given, else the first of WebP,
 * JPEG, PNG that Accept names explicitly (WebP is the smallest for previews),
 * else the route's fallback. Wildcards do not count as naming one.
 */
export function chooseOutput(req: EncodeRequest, fallback: ImageFormat = "jpeg"): OutputChoice {
	const quality = parseQuality(req.quality);
	if (req.format !== undefined && req.format !== "") {
		const format = ALIASES[req.format.toLowerCase()];
		if (!format) {
			throw new UnprocessableError("invalid_parameter", `format must be one of ${SUPPORTED_FORMATS.join(", ")}`, {
				parameter: "format",
			});
		}
		return { format, quality };
	}
	const accepted = acceptedTypes(req.accept ?? "");
	for (const format of ["webp", "jpeg", "png"] as const) {
		if (accepted.has(MIME_TYPES[format])) return { format, quality };
	}
	return { format: fallback, quality };
}

/** Media types an Accept header names with a non-zero q. Wildcards are left to the fallback. */
function acceptedTypes(accept: string): Set<string> {
	const types = new Set<string>();
	for (const part of accept.toLowerCase().split(",")) {
		const [type, ...params] = part.split(";").map((p) => p.trim());
		if (!type) continue;
		const q = params.find((p) => p.startsWith("q="));
		if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
		types.add(type);
	}
	return types;
}

function parseQuality(value: string | undefined): number {
	if (value === undefined || value === "") return DEFAULT_QUALITY;
	const q = Number(value);
	if (!Number.isInteger(q) || q < 1 || q > 100) {
		throw new UnprocessableError("invalid_parameter", "quality must be an integer from 1 to 100", {
			parameter: "quality",
		});
	}
	return q;
}

export interface EncodedImage {
	bytes: Uint8Array;
	format: ImageFormat;
	mime: string;
}

export async function encodeImage(pixels: Pixels, choice: OutputChoice): Promise<EncodedImage> {
	const writer = WRITERS[choice.format];
	return { bytes: await writer.encode(pixels, choice.quality), format: choice.format, mime: writer.mime };
}

/** `data:` URL of an encoded image, for JSON responses. */
export function toDataUrl(image: EncodedImage): string {
	let binary = "";
	const chunk = 0x8000;
	for (let i = 0; i < image.bytes.length; i += chunk) {
		binary += String.fromCharCode(...image.bytes.subarray(i, i + chunk));
	}
	return `data:${image.mime};base64,${btoa(binary)}`;
}
