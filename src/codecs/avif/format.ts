import type { FormatWriter } from "../format";
import { encodeAvif } from "./libavif";

/**
 * Largest side (width or height) encoded to AVIF: up to a 2048 px square the
 * encode took under one second of CPU inside workerd on the 2-core machine
 * the service is measured on, in every run, and a 2304 px one more
 * (`npm run bench:avif`; table in bench/README.md). CPU, not wall time: the
 * machine was shared, which stretched wall times 1-3x. A square is the
 * slowest image for its long side.
 */
export const AVIF_MAX_SIDE = 2048;

const MB = 1024 * 1024;

/**
 * Heap one encode ends with. Measured inside workerd at AVIF_SPEED
 * (bench/avif): the module's initial 16 MiB up to about a 600 px square, then
 * emscripten's growth steps following libaom's frame buffers, about 30 bytes
 * a pixel beyond a fixed 12 MiB (40.3 MiB at 1024 px, 125.9 MiB at 2048 px).
 * The estimate sits above every measurement in the bench table.
 */
export function avifEncodeBytes(width: number, height: number): number {
	return Math.max(16 * MB, 13 * MB + 30 * width * height);
}

/** What a styled request reserves for an AVIF encode: the heap, and the preview's RGBA in and out. */
export function avifReservationBytes(width: number, height: number): number {
	return avifEncodeBytes(width, height) + 8 * width * height;
}

/**
 * Why a width x height image is not encoded to AVIF, or null when it can be.
 * Past the time cap, or when its reservation is more than the whole memory
 * budget (admission could never grant it: libaom holds about 30 bytes a
 * pixel, three times libwebp), an encode goes to another format.
 */
export function avifRefusal(width: number, height: number, budgetBytes?: number): string | null {
	if (Math.max(width, height) > AVIF_MAX_SIDE) {
		return `AVIF output is limited to ${AVIF_MAX_SIDE} px a side (this image is ${width}x${height})`;
	}
	const need = avifReservationBytes(width, height);
	if (budgetBytes !== undefined && need > budgetBytes) {
		const mib = (n: number) => `${(n / MB).toFixed(1)} MiB`;
		return `an AVIF encode of ${width}x${height} needs about ${mib(need)}, more than the ${mib(budgetBytes)} memory budget`;
	}
	return null;
}

/** AVIF is written only: uploads are JPEG, PNG or WebP. */
export const avifWriter: FormatWriter = {
	format: "avif",
	mime: "image/avif",
	encode: (pixels, quality) => encodeAvif(pixels, quality),
	heapBytes: avifEncodeBytes,
};
