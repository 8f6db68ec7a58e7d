import { UnprocessableError } from "../lib/errors";
import type { Pixels } from "../lib/pixels";
import { avifRefusal } from "./avif";
import type { ImageFormat, OutputFormat } from "./format";
import { MIME_TYPES, WRITERS } from "./formats";

const OUTPUT_FORMATS = Object.keys(WRITERS) as readonly OutputFormat[];

/**
 * Quality when the request names none. JPEG and WebP keep the 85 they always
 * had; AVIF's scale is not theirs: at 70 its PSNR matched WebP at 85 on the
 * bench frame for a file a quarter smaller (bench/README.md, "AVIF").
 * PNG is lossless and takes none.
 */
export const DEFAULT_QUALITY: Record<OutputFormat, number> = { jpeg: 85, webp: 85, avif: 70, png: 0 };

export interface EncodeRequest {
	/** Explicit `?format=`: a format, or `auto`; wins over the default negotiation. */
	format?: string | undefined;
	/** The request's Accept header. */
	accept?: string | undefined;
	/** `?quality=`: one integer 1-100, or per format (`avif:60,webp:80`). */
	quality?: string | undefined;
	/**
	 * Size of the image to encode, for AVIF's limits, asked only when AVIF is
	 * in question (it may probe the upload's header); absent, no limit is checked.
	 */
	size?: (() => { width: number; height: number }) | undefined;
	/** The memory budget, which bounds an AVIF encode's reservation. */
	budgetBytes?: number | undefined;
}

export interface OutputChoice {
	format: OutputFormat;
	quality: number;
	/** Whether Accept decided the format (the response must then send Vary: Accept). */
	negotiated: boolean;
}

const ALIASES: Record<string, OutputFormat> = { jpg: "jpeg", jpeg: "jpeg", png: "png", webp: "webp", avif: "avif" };

/**
 * Picks the output format and its quality.
 * - `format=<name>`: that format. AVIF past its limits is a 422 naming them.
 * - `format=auto`: AVIF when Accept names it and the image is within AVIF's
 *   limits, else WebP when Accept names it, else JPEG.
 * - no format: the first of WebP, JPEG, PNG that Accept names, else the
 *   route's fallback (AVIF only on request: it takes 2-2.5 times WebP's CPU).
 * Wildcards such as `*\/*` or `image/*` name nothing.
 */
export function chooseOutput(req: EncodeRequest, fallback: ImageFormat = "jpeg"): OutputChoice {
	const qualities = parseQuality(req.quality);
	const pick = (format: OutputFormat, negotiated: boolean): OutputChoice => ({
		format,
		quality: format === "png" ? 0 : (qualities[format] ?? DEFAULT_QUALITY[format]),
		negotiated,
	});
	const refusal = () => {
		const size = req.size?.();
		return size ? avifRefusal(size.width, size.height, req.budgetBytes) : null;
	};
	const named = req.format?.toLowerCase();
	const accepted = acceptedTypes(req.accept ?? "");
	if (named === "auto") {
		if (accepted.has(MIME_TYPES.avif) && refusal() === null) return pick("avif", true);
		return pick(accepted.has(MIME_TYPES.webp) ? "webp" : "jpeg", true);
	}
	if (named !== undefined && named !== "") {
		const format = ALIASES[named];
		if (!format) {
			throw new UnprocessableError("invalid_parameter", `format must be one of auto, ${OUTPUT_FORMATS.join(", ")}`, {
				parameter: "format",
			});
		}
		const why = format === "avif" ? refusal() : null;
		if (why) throw new UnprocessableError("avif_too_large", `${why}; use format=auto or webp`, { parameter: "format" });
		return pick(format, false);
	}
	for (const format of ["webp", "jpeg", "png"] as const) {
		if (accepted.has(MIME_TYPES[format])) return pick(format, true);
	}
	return pick(fallback, true);
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

const LOSSY = ["jpeg", "webp", "avif"] as const;

function badQuality(): never {
	throw new UnprocessableError(
		"invalid_parameter",
		`quality must be an integer from 1 to 100, or per format as ${LOSSY.map((f) => `${f}:1-100`).join(",")}`,
		{ parameter: "quality" },
	);
}

function qualityValue(text: string): number {
	const q = Number(text);
	if (text.trim() === "" || !Number.isInteger(q) || q < 1 || q > 100) badQuality();
	return q;
}

/** One quality for every lossy format, or `format:quality` pairs for some of them. */
function parseQuality(value: string | undefined): Partial<Record<OutputFormat, number>> {
	if (value === undefined || value === "") return {};
	if (!value.includes(":")) {
		const q = qualityValue(value);
		return { jpeg: q, webp: q, avif: q };
	}
	const out: Partial<Record<OutputFormat, number>> = {};
	for (const pair of value.split(",")) {
		const [name, q, extra] = pair.split(":");
		const format = ALIASES[(name ?? "").trim().toLowerCase()];
		if (!format || format === "png" || q === undefined || extra !== undefined) badQuality();
		out[format] = qualityValue(q);
	}
	return out;
}

export interface EncodedImage {
	bytes: Uint8Array;
	format: OutputFormat;
	mime: string;
}

export async function encodeImage(
	pixels: Pixels,
	choice: Pick<OutputChoice, "format" | "quality">,
): Promise<EncodedImage> {
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
