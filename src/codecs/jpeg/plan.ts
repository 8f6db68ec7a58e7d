import { wholePages } from "../meter";
import type { JpegFrame } from "./header";

/** Scale denominators of the DCT-domain decode, largest first. */
export type JpegScale = 1 | 2 | 4 | 8;

/** The largest d of 8, 4, 2, 1 whose decode at 1/d still covers outW x outH. */
export function jpegScale(width: number, height: number, outW: number, outH: number): JpegScale {
	for (const d of [8, 4, 2] as const) {
		if (Math.ceil(width / d) >= outW && Math.ceil(height / d) >= outH) return d;
	}
	return 1;
}

// Mirrors of the kernel's constants (assembly/jpeg.ts and its parts).
/** Upper bound of the kernel's static data (__heap_base; 2260 bytes as built). */
export const KERNEL_STATIC_BYTES = 4096;
const WINDOW_BYTES = 65536;
const MARKERS_BYTES = 4 * 128 + 1024 + (1536 + 8192) * 8 + 512;
const IDCT_BYTES = 8 * 64 * 4 * 2 + 64 * 4 + 64 * 4 + 3 * 256;
// jpeg_natural_order: zigzag index -> row * 8 + column.
const NATURAL = [
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
	55, 62, 63,
];

/** Coefficients per block of the band an nh x nv IDCT reads. */
function bandSize(nh: number, nv: number): number {
	let n = 0;
	for (let k = 0; k < 64; k++) if (NATURAL[k]! >> 3 < nv && (NATURAL[k]! & 7) < nh) n++;
	return n;
}

/** Kernel heap a decode should stay within; a store larger than this is filled in passes. */
export const JPEG_PASS_BUDGET = 16 * 1024 * 1024;
/** Most passes a decode takes (the kernel's limit too): each walks the file's bytes again. */
export const JPEG_MAX_PASSES = 8;

/**
 * Kernel heap one decode of this frame at 1/d to outW x outH takes, in bytes
 * of whole wasm pages: the exact arena layout of assembly/jpeg.ts (input
 * window, tables, three MCU rows per component, row buffers, the resampler,
 * and for progressive or multi-scan files the coefficient store and nonzero
 * flags of one pass), so the host can reserve it before any decoding.
 * Passes default to jpegPasses'. The JS side holds no buffers of its own
 * besides the output: input bytes are copied into the window and rows out
 * of the heap through views.
 */
export function jpegDecodeBytes(frame: JpegFrame, d: JpegScale, outW: number, _outH: number, passes?: number): number {
	return layoutBytes(frame, d, outW, passes ?? jpegPasses(frame, d, outW));
}

/**
 * Passes of the decode: 1 unless the coefficient store passes
 * JPEG_PASS_BUDGET, else the fewest (at most JPEG_MAX_PASSES) that bring the
 * heap within it. The file's entropy data is decoded once whatever the
 * count (each pass resumes the scans where the last stopped); a pass costs
 * walking the file's bytes again (measured in Node: about 1 ms for a 2.7 MB
 * 12 MP file, 5 ms for 22 MB at 100 MP).
 */
export function jpegPasses(frame: JpegFrame, d: JpegScale, outW: number): number {
	if (!stored(frame)) return 1;
	for (let p = 1; p < JPEG_MAX_PASSES; p++) if (layoutBytes(frame, d, outW, p) <= JPEG_PASS_BUDGET) return p;
	return JPEG_MAX_PASSES;
}

/** The kernel streams a sequential file whose first scan holds every
 * component; anything else goes through the coefficient store. */
function stored(frame: JpegFrame): boolean {
	return frame.progressive || (frame.firstScanComponents > 0 && frame.firstScanComponents < frame.components);
}

function layoutBytes(frame: JpegFrame, d: JpegScale, outW: number, passes: number): number {
	const { width, height } = frame;
	// Factors outside 1-4 (refused by the kernel) are planned as 1, so a hostile
	// header still gets a finite plan.
	const factor = (f: number) => (f >= 1 && f <= 4 ? f : 1);
	const comps =
		frame.components <= 1 || frame.sampling.length === 0
			? [{ h: 1, v: 1 }]
			: frame.sampling.map((c) => ({ h: factor(c.h), v: factor(c.v) }));
	const hmax = Math.max(...comps.map((c) => c.h));
	const vmax = Math.max(...comps.map((c) => c.v));
	const mcusX = Math.ceil(width / (8 * hmax));
	const mcusY = Math.ceil(height / (8 * vmax));
	const sw = Math.ceil(width / d);
	const ow = Math.min(Math.max(outW, 1), sw);
	const store = stored(frame);
	const p = store ? Math.min(Math.max(Math.floor(passes), 1), JPEG_MAX_PASSES) : 1;
	const passRows = Math.ceil(mcusY / p);
	let cursor = Math.ceil(KERNEL_STATIC_BYTES / 64) * 64;
	const take = (n: number) => {
		cursor = Math.ceil(cursor / 64) * 64 + n;
	};
	take(WINDOW_BYTES);
	take(MARKERS_BYTES);
	take(IDCT_BYTES);
	take(256);
	const stores: number[] = [];
	for (const c of comps) {
		const rH = Math.max(1, Math.floor(hmax / c.h));
		const rV = Math.max(1, Math.floor(vmax / c.v));
		const qh = (8 * rH) / d;
		const qv = (8 * rV) / d;
		const nh = qh <= 8 ? qh : qh % 8 === 0 ? 8 : 8 / d;
		const nv = qv <= 8 ? qv : qv % 8 === 0 ? 8 : 8 / d;
		const direct = qh <= 8 && qv <= 8;
		take(3 * c.v * nv * mcusX * c.h * nh + 64);
		if (!direct) take(sw + 64);
		if (store) {
			// _jpeg_planes.ts layout: one pass's band of blocks, and their nonzero
			// flags where some AC is kept but not all.
			const kk = bandSize(nh, nv);
			const held = mcusX * c.h * passRows * c.v;
			stores.push(held * kk * 2 + 16);
			if (frame.progressive && kk > 1 && kk < 64) stores.push(held * 8);
		}
	}
	take(sw * 4 + 64);
	for (const s of stores) take(s);
	// Saved scan states (MAX_SCANS x SCAN_STATE_BYTES) when in passes.
	if (store && p > 1) take(3200 * 48);
	// _area.ts areaBytes(sw, ow).
	const area = sw * 4 * 3 + (ow + 1) * 16 * 3 + ow * 4 + 64 * 7;
	return wholePages(cursor + area);
}
