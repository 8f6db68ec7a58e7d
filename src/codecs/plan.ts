import { TooLargeError } from "../lib/errors";
import { fitSize } from "../lib/resize";
import { wholeFrameDecodeBytes } from "./heap";
import { jpegDecodeBytes, jpegScale, readJpegFrame } from "./jpeg";
import { checkPngInterlaced, type PngInfo, pngDecodeBytes } from "./png";
import type { ImageInfo } from "./probe";

export { fitSize };

/**
 * What one decode will do and hold, decided from the header before a byte of
 * image data is read. Routes reserve memory from it and the intake carries it
 * out, so the estimate and the work can never disagree about the size.
 */
export interface DecodePlan {
	info: ImageInfo;
	/** Size the decoder hands back, in stored orientation: at most maxSide on the longer side. */
	width: number;
	height: number;
	/** JPEG's DCT scale denominator (1, 2, 4 or 8); 1 for the other formats. */
	denom: number;
	/**
	 * Bytes the decode holds besides the upload and its output pixels: the
	 * kernel's heap and its JS buffers, or, for a format decoded whole (WebP,
	 * interlaced PNG), the codec's heap plus the full frame.
	 */
	decoderBytes: number;
	/** The whole frame is decoded before it is resampled: its size is bounded by the budget. */
	wholeFrame: boolean;
}

/** Plans the decode of a probed upload to fit maxSide (Infinity: full size). */
export function planDecode(bytes: Uint8Array, info: ImageInfo, maxSide: number): DecodePlan {
	const out = fitSize(info.width, info.height, maxSide);
	const plan = { info, width: out.width, height: out.height, denom: 1, wholeFrame: false };
	switch (info.format) {
		case "jpeg": {
			const frame = info.jpeg ?? readJpegFrame(bytes);
			// The probe read the same header; a frame it accepted parses here too.
			if (typeof frame === "string") return { ...plan, decoderBytes: 0 };
			const denom = jpegScale(info.width, info.height, out.width, out.height);
			return { ...plan, denom, decoderBytes: jpegDecodeBytes(frame, denom, out.width, out.height) };
		}
		case "png": {
			const png = pngInfoOf(info);
			return { ...plan, wholeFrame: png.interlaced, decoderBytes: pngDecodeBytes(png, out.width, out.height) };
		}
		case "webp":
			return { ...plan, wholeFrame: true, decoderBytes: wholeFrameDecodeBytes(info) };
	}
}

/** The probe's reading of IHDR, as the PNG codec takes it. */
function pngInfoOf(info: ImageInfo): PngInfo {
	return {
		width: info.width,
		height: info.height,
		bitDepth: info.bitDepth ?? 8,
		colorType: info.colorType ?? 6,
		interlaced: info.interlaced === true,
	};
}

/** Bytes the decode phase holds: the decoder's own and its output pixels. */
export function decodePhaseBytes(plan: DecodePlan): number {
	return plan.decoderBytes + 4 * plan.width * plan.height;
}

/**
 * Formats decoded whole (WebP, interlaced PNG) need memory in proportion to
 * the full frame, so their size cap follows from the budget, whatever the
 * pixel cap says. The 413 says why, and how large such an image may be.
 */
export function checkWholeFrame(plan: DecodePlan, budgetBytes: number): void {
	const { info } = plan;
	// The PNG kernel's own ceiling for the frame it gathers Adam7 passes into.
	if (info.format === "png") checkPngInterlaced(pngInfoOf(info));
	if (!plan.wholeFrame || decodePhaseBytes(plan) <= budgetBytes) return;
	const perPixel = plan.decoderBytes / (info.width * info.height);
	const maxMp = Math.floor(budgetBytes / perPixel / 1e5) / 10;
	const kind = info.format === "webp" ? "WebP images are" : "interlaced (Adam7) PNGs are";
	throw new TooLargeError(
		"image_too_large",
		`${kind} decoded whole, which takes about ${perPixel.toFixed(1)} bytes a pixel; this one is ${info.width}x${info.height}, and the memory budget allows about ${maxMp} MP`,
		{ width: info.width, height: info.height, max_pixels: Math.floor(budgetBytes / perPixel) },
	);
}
