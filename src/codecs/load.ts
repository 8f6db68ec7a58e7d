import { TooLargeError, UnprocessableError } from "../lib/errors";
import { applyOrientation } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import { downscaleToFit } from "../lib/resize";
import { decodeBytes } from "./codec";
import { displaySize, type ImageInfo, probeImage } from "./probe";
import { firstWebpFrame, onCanvas } from "./webp-anim";

export interface DimensionLimits {
	maxPixels: number;
	maxSide: number;
}

export interface LoadedImage {
	/** Pixels as displayed (EXIF orientation applied), downscaled to fit maxSide. */
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

// A JPEG that stops before its end-of-image marker decodes into grey filler
// without complaint; we refuse it rather than return a silently damaged result.
function hasJpegEnd(bytes: Uint8Array): boolean {
	const from = Math.max(2, bytes.length - 4096);
	for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
	return false;
}

/**
 * Decodes after the header checks; every decoder failure becomes a 422. An
 * animated WebP gives its first frame on the full canvas.
 */
export async function decodeImage(bytes: Uint8Array, info: ImageInfo): Promise<Pixels> {
	if (info.format === "jpeg" && !hasJpegEnd(bytes)) {
		throw new UnprocessableError("truncated_image", "the JPEG data ends before its end-of-image marker");
	}
	// libjpeg cannot convert CMYK or YCCK to RGB; say so instead of letting it fail inside.
	if (info.format === "jpeg" && info.components !== undefined && info.components !== 1 && info.components !== 3) {
		throw new UnprocessableError(
			"unsupported_variant",
			`JPEGs with ${info.components} colour components (CMYK/YCCK) are not supported; convert the image to RGB`,
		);
	}
	if (info.format === "webp" && info.animated) {
		const frame = firstWebpFrame(bytes, info.width, info.height);
		const still = await decodeImage(frame.still, {
			...info,
			animated: false,
			width: frame.width,
			height: frame.height,
		});
		return onCanvas(still, frame.x, frame.y, info.width, info.height);
	}
	let pixels: Pixels;
	try {
		pixels = await decodeBytes(info.format, bytes);
	} catch {
		throw new UnprocessableError(
			"undecodable_image",
			`the ${info.format.toUpperCase()} data could not be decoded (corrupt, truncated or an unsupported variant)`,
		);
	}
	if (pixels.width !== info.width || pixels.height !== info.height) {
		throw new UnprocessableError("undecodable_image", "the decoded size does not match the image header");
	}
	return pixels;
}

/**
 * Decode, downscale to maxSide, then orient: the part of intake that touches
 * pixels, for a header already probed and checked. Downscaling before
 * orienting touches fewer pixels, and the full-size decode is dropped as soon
 * as the downscale is done.
 */
export async function decodeToFit(bytes: Uint8Array, info: ImageInfo, maxSide = Infinity): Promise<LoadedImage> {
	const decoded = await decodeImage(bytes, info);
	const pixels = applyOrientation(downscaleToFit(decoded, maxSide), info.orientation);
	const original = displaySize(info);
	return { pixels, info, original, scale: pixels.width / original.width };
}

/** The full intake of one upload: probe, check the caps, then decodeToFit. */
export async function loadImage(bytes: Uint8Array, limits: DimensionLimits, maxSide = Infinity): Promise<LoadedImage> {
	const info = probeImage(bytes);
	checkDimensions(info, limits);
	return decodeToFit(bytes, info, maxSide);
}
