import { AppError, TooLargeError, UnprocessableError } from "../lib/errors";
import { applyOrientation } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import { READERS } from "./formats";
import { type DecodePlan, planDecode } from "./plan";
import { displaySize, type ImageInfo, probeImage } from "./probe";

export interface DimensionLimits {
	maxPixels: number;
	maxSide: number;
}

export interface LoadedImage {
	/** Pixels as displayed (EXIF orientation applied), at most maxSide on the longer side. */
	pixels: Pixels;
	info: ImageInfo;
	/** Display size of the original upload, before any downscale. */
	original: { width: number; height: number };
	/** pixels.width / original.width: multiply output coordinates by 1/scale to map back. */
	scale: number;
}

/** Refuses images whose header declares more than the caps, before any decode. */
export function checkDimensions(info: ImageInfo, limits: DimensionLimits): void {
	const pixels = info.width * info.height;
	if (info.width > limits.maxSide || info.height > limits.maxSide || pixels > limits.maxPixels) {
		throw new TooLargeError(
			"image_too_large",
			`the image is ${info.width}x${info.height}; the limits are ${limits.maxSide} px a side and ${(limits.maxPixels / 1e6).toFixed(0)} MP`,
			{ width: info.width, height: info.height, max_side: limits.maxSide, max_pixels: limits.maxPixels },
		);
	}
}

/**
 * Decodes straight to the plan's size, in stored orientation. JPEG and PNG
 * never make a full-resolution frame (the upload's bytes are the only
 * full-size buffer); every decoder failure is a 422.
 */
export async function decodePlanned(bytes: Uint8Array, plan: DecodePlan): Promise<Pixels> {
	const { info } = plan;
	try {
		return await READERS[info.format].decode(bytes, plan);
	} catch (err) {
		if (err instanceof AppError) throw err;
		throw new UnprocessableError(
			"undecodable_image",
			`the ${info.format.toUpperCase()} data could not be decoded (corrupt, truncated or an unsupported variant)`,
		);
	}
}

/** A whole image at full size in stored orientation (tests, benches and references). */
export function decodeImage(bytes: Uint8Array, info: ImageInfo): Promise<Pixels> {
	return decodePlanned(bytes, planDecode(bytes, info, Infinity));
}

/**
 * The part of intake that touches pixels, for a plan made from a header
 * already probed and checked: decode to the plan's size, then orient
 * (orienting the small result touches the fewest pixels).
 */
export async function decodeToFit(bytes: Uint8Array, plan: DecodePlan): Promise<LoadedImage> {
	const { info } = plan;
	const pixels = applyOrientation(await decodePlanned(bytes, plan), info.orientation);
	const original = displaySize(info);
	return { pixels, info, original, scale: pixels.width / original.width };
}

/** The full intake of one upload: probe, check the caps, then decodeToFit. */
export async function loadImage(bytes: Uint8Array, limits: DimensionLimits, maxSide = Infinity): Promise<LoadedImage> {
	const info = probeImage(bytes);
	checkDimensions(info, limits);
	return decodeToFit(bytes, planDecode(bytes, info, maxSide));
}
