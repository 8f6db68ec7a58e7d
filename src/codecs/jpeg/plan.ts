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
/** Upper bound of the kernel's static data (__heap_base; 1476 bytes as built). */
export const KERNEL_STATIC_BYTES = 4096;
const WINDOW_BYTES = 65536;
const MARKERS_BYTES = 4 * 128 + 1024 + (1536 + 8192) * 8 + 512;
const IDCT_BYTES = 8 * 64 * 4 * 2 + 64 * 4 + 64 * 4 + 3 * 256;
const PAGE = 65536;
// jpeg_natural_order: zigzag index -> row * 8 + column.
const NATURAL = [
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
	55, 62, 63,
];

function keepCount(nh: number, nv: number): number {
	let kk = 1;
	for (let k = 0; k < 64; k++) if (NATURAL[k]! >> 3 < nv && (NATURAL[k]! & 7) < nh) kk = k + 1;
	return kk;
}

/**
 * Kernel heap one decode of this frame at 1/d to outW x outH takes, in bytes
 * of whole wasm pages: the exact arena layout of assembly/jpeg.ts (input
 * window, tables, three MCU rows per component, row buffers, the resampler,
 * and for progressive or multi-scan files the coefficient store), so the
 * host can reserve it before any decoding. The JS side holds no buffers of
 * its own besides the output: input bytes are copied into the window and
 * rows out of the heap through views.
 */
export function jpegDecodeBytes(frame: JpegFrame, d: JpegScale, outW: number, _outH: number): number {
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
	// The kernel streams a sequential file whose first scan holds every
	// component; anything else goes through the coefficient store.
	const store = frame.progressive || (frame.firstScanComponents > 0 && frame.firstScanComponents < frame.components);
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
			const kk = keepCount(nh, nv);
			const blocks = mcusX * c.h * mcusY * c.v;
			stores.push(blocks * kk * 2);
			stores.push(blocks * 8);
		}
	}
	take(sw * 4 + 64);
	for (const s of stores) take(s);
	// _area.ts areaBytes(sw, ow).
	const area = sw * 4 * 3 + (ow + 1) * 16 * 3 + ow * 4 + 64 * 7;
	return Math.ceil((cursor + area) / PAGE) * PAGE;
}
