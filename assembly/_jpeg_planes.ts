// The ring of MCU rows between the IDCT and the output. Each component has
// three slots of one MCU row at its decoded scale: the row being output and
// its neighbours above and below, which are the fancy upsamplers' context
// (rows are output one MCU row late for that). Also the per-component choice
// of IDCT size and replication for the chosen scale, and the store layout of
// files that are not streamed.

import { areaPush } from "./_area";
import { take, used } from "./_arena";
import {
	CS_CMYK,
	CS_GRAY,
	CS_RGB,
	CS_YCC,
	CS_YCCK,
	componentRow,
	convertRow,
	MODE_DIRECT,
	MODE_H1V2,
	MODE_H2V1,
	MODE_H2V2,
	MODE_REPL,
} from "./_jpeg_color";
import {
	cget,
	cset,
	F_B0,
	F_BH,
	F_BPL,
	F_BROWS,
	F_BW,
	F_CH,
	F_COEF,
	F_CW,
	F_H,
	F_HASMASK,
	F_ID,
	F_K,
	F_MASK,
	F_MODE,
	F_NH,
	F_NV,
	F_PLANE,
	F_RH,
	F_ROW,
	F_RPS,
	F_RV,
	F_SLOT,
	F_STRIDE,
	F_TQ,
	F_V,
	JUNK_MASK,
	nonzeroSlots,
	prefixBits,
	setBand,
	slotNatural,
} from "./_jpeg_frame";
import { idctDcOnly, idctScaled } from "./_jpeg_idct";
import { idctIslow } from "./_jpeg_islow";
import { adobe, height, hmax, ncomp, progressive, qt, vmax, width } from "./_jpeg_markers";
import { SCAN_STATE_BYTES } from "./_jpeg_progressive";

let scale = 1;
export let sw = 0; // scaled size
export let sh = 0;
export let mcusX = 0;
export let mcusY = 0;
let mcuH = 0; // scaled rows per MCU row
let cs = CS_YCC;
/** i32[64] coefficients of the block being transformed, natural order. */
export let blk: usize = 0;
let rgba: usize = 0;

export function planesInit(): void {
	blk = take(256);
}

/** MCU rows each pass of a stored decode holds. */
export let passRows = 0;
/** Scans a decode in passes can resume: the visit limit (64 times the
 * frame's blocks) admits at most 64 x 49 parsed ones (a scan visits at least
 * one component's blocks; three 4x4 components and a 1x1 have 49 times the
 * last one's). */
export const MAX_SCANS = 3200;
/** MAX_SCANS saved scan states (SCAN_STATE_BYTES each), 0 in one pass. */
export let scanStates: usize = 0;

/** Lays out the ring slots, row buffers and (if `store`) the coefficient store
 * for a decode at 1/d in `passes` bands of MCU rows; fills the component table
 * with the per-axis choices. False when the layout could not be addressed in
 * 32 bits. */
export function layout(store: bool, d: i32, passes: i32): bool {
	scale = d;
	mcusX = (width + 8 * hmax - 1) / (8 * hmax);
	mcusY = (height + 8 * vmax - 1) / (8 * vmax);
	sw = (width + scale - 1) / scale;
	sh = (height + scale - 1) / scale;
	mcuH = (8 * vmax) / scale;
	for (let c = 0; c < ncomp; c++) {
		const h = cget(c, F_H);
		const v = cget(c, F_V);
		const rH = hmax / h;
		const rV = vmax / v;
		const qh = (8 * rH) / scale;
		const qv = (8 * rV) / scale;
		// Samples per block: q when it fits a block; else 8 replicated q/8 times
		// (chroma keeps its own resolution), else 8/d replicated rH times.
		const nh = qh <= 8 ? qh : qh % 8 === 0 ? 8 : 8 / scale;
		const nv = qv <= 8 ? qv : qv % 8 === 0 ? 8 : 8 / scale;
		const rh = qh <= 8 ? 1 : qh % 8 === 0 ? qh / 8 : rH;
		const rv = qv <= 8 ? 1 : qv % 8 === 0 ? qv / 8 : rV;
		const cw = (width * h * nh + hmax * 8 - 1) / (hmax * 8);
		const ch = (height * v * nv + vmax * 8 - 1) / (vmax * 8);
		let mode = MODE_REPL;
		if (rh === 1 && rv === 1) mode = MODE_DIRECT;
		else if (scale === 1 && rH === 2 && rV === 1 && cw > 2) mode = MODE_H2V1;
		else if (scale === 1 && rH === 1 && rV === 2) mode = MODE_H1V2;
		else if (scale === 1 && rH === 2 && rV === 2 && cw > 2) mode = MODE_H2V2;
		const stride = mcusX * h * nh;
		const rps = v * nv;
		cset(c, F_NH, nh);
		cset(c, F_NV, nv);
		cset(c, F_RH, rh);
		cset(c, F_RV, rv);
		cset(c, F_MODE, mode);
		cset(c, F_CW, cw);
		cset(c, F_CH, ch);
		cset(c, F_STRIDE, stride);
		cset(c, F_RPS, rps);
		cset(c, F_SLOT, rps * stride);
		cset(c, F_BPL, mcusX * h);
		cset(c, F_BROWS, mcusY * v);
		cset(c, F_BW, ((width * h + hmax - 1) / hmax + 7) >> 3);
		cset(c, F_BH, ((height * v + vmax - 1) / vmax + 7) >> 3);
		// Three ring slots, plus slack for the 8-wide colour loads past a row end.
		cset(c, F_PLANE, <i32>take(<usize>(3 * rps * stride) + 64));
		cset(c, F_ROW, mode === MODE_DIRECT ? 0 : <i32>take(<usize>sw + 64));
	}
	rgba = take(((<usize>sw) << 2) + 64);
	let bytes = <f64>used();
	passRows = (mcusY + passes - 1) / passes;
	for (let c = 0; c < ncomp; c++) {
		const kk = setBand(c, cget(c, F_NH), cget(c, F_NV));
		cset(c, F_K, kk);
		cset(c, F_COEF, 0);
		cset(c, F_MASK, <i32>JUNK_MASK);
		cset(c, F_HASMASK, 0);
		if (!store) continue;
		const held = <f64>cget(c, F_BPL) * <f64>(passRows * cget(c, F_V));
		// Refinement scans must know which coefficients are nonzero, kept or not:
		// a u64 per block where some AC is kept but not all of it. DC alone skips
		// every AC scan; all 64 kept are their own flags.
		const mask = progressive && kk > 1 && kk < 64;
		// A frame's store can pass 4 GiB (65535 x 65535 at full size): refuse before any size wraps.
		bytes += held * <f64>(kk * 2 + (mask ? 8 : 0)) + 16;
		if (bytes > 2e9) return false;
		cset(c, F_COEF, <i32>take(<usize>held * ((<usize>kk) << 1) + 16));
		if (mask) {
			cset(c, F_MASK, <i32>take((<usize>held) << 3));
			cset(c, F_HASMASK, 1);
		}
	}
	// Where each parsed scan stopped, for the next pass to resume it.
	scanStates = store && passes > 1 ? take(MAX_SCANS * SCAN_STATE_BYTES) : 0;
	return true;
}

/** Starts a pass over MCU rows from r0 (passRows of them): empty store and flags. */
export function passStart(r0: i32): void {
	for (let c = 0; c < ncomp; c++) {
		const v = cget(c, F_V);
		cset(c, F_B0, r0 * v);
		const bpl = <usize>cget(c, F_BPL);
		if (cget(c, F_COEF) === 0) continue;
		memory.fill(<usize>cget(c, F_COEF), 0, bpl * <usize>(passRows * v) * ((<usize>cget(c, F_K)) << 1) + 16);
		if (cget(c, F_HASMASK) !== 0) memory.fill(<usize>cget(c, F_MASK), 0, (bpl * <usize>(passRows * v)) << 3);
	}
}

/** libjpeg's colour space guess: Adobe transform, then component ids. */
export function colorSpace(): i32 {
	if (ncomp === 1) return CS_GRAY;
	if (ncomp === 4) return adobe === 2 ? CS_YCCK : CS_CMYK;
	if (adobe === 0) return CS_RGB;
	if (adobe < 0 && cget(0, F_ID) === 0x52 && cget(1, F_ID) === 0x47 && cget(2, F_ID) === 0x42) return CS_RGB;
	return CS_YCC;
}

/** Sets the colour conversion of the rows to come. */
export function setColorSpace(c: i32): void {
	cs = c;
}

/** IDCT of `blk` into component c's ring slot for MCU row m, block row y, column bx. */
export function toPlane(c: i32, m: i32, y: i32, bx: i32, any: bool): void {
	const nh = cget(c, F_NH);
	const nv = cget(c, F_NV);
	const stride = cget(c, F_STRIDE);
	const out = <usize>cget(c, F_PLANE) + <usize>((m % 3) * cget(c, F_SLOT) + y * nv * stride + bx * nh);
	const q = qt + ((<usize>cget(c, F_TQ)) << 8);
	const exact = nh === 8 && nv === 8;
	// A 1x1 block is its DC whatever the AC holds.
	if (!any || (nh === 1 && nv === 1)) idctDcOnly(load<i32>(blk) * load<i32>(q), exact, nh, nv, out, stride);
	else if (exact) idctIslow(blk, q, out, stride);
	else idctScaled(blk, q, nh, nv, out, stride);
}

export function emitRows(m: i32): void {
	const y0 = m * mcuH;
	const y1 = min(y0 + mcuH, sh);
	for (let y = y0; y < y1; y++) {
		const ly = y - y0;
		const p0 = componentRow(0, m, ly, sw);
		const p1 = ncomp > 1 ? componentRow(1, m, ly, sw) : p0;
		const p2 = ncomp > 2 ? componentRow(2, m, ly, sw) : p0;
		const p3 = ncomp > 3 ? componentRow(3, m, ly, sw) : p0;
		convertRow(cs, p0, p1, p2, p3, rgba, sw);
		areaPush(rgba);
	}
}

/** IDCTs MCU row m (inside the current pass) of the coefficient store into the ring. */
export function storeRowToPlanes(m: i32): void {
	for (let c = 0; c < ncomp; c++) {
		const v = cget(c, F_V);
		const bpl = cget(c, F_BPL);
		const kk = cget(c, F_K);
		const nat = slotNatural(c);
		const hasMask = cget(c, F_HASMASK) !== 0;
		const prefix = prefixBits(c) & ~(<u64>1);
		for (let y = 0; y < v; y++) {
			for (let bx = 0; bx < bpl; bx++) {
				const bi = (m * v + y - cget(c, F_B0)) * bpl + bx;
				const p = <usize>cget(c, F_COEF) + <usize>bi * ((<usize>kk) << 1);
				const z = i32x4.splat(0);
				for (let o: usize = 0; o < 256; o += 16) v128.store(blk + o, z);
				store<i32>(blk, <i32>load<i16>(p));
				// Only the nonzero AC coefficients. Which blocks take the reduced IDCT
				// rather than the flat DC fill (the two round a DC level differently)
				// stays what it was when the store kept the zigzag prefix up to the
				// band's last index: any nonzero AC there, kept or not, so the output
				// is unchanged where the flags are known.
				let bits = nonzeroSlots(p, kk) & ~(<u64>1);
				const mp = <usize>cget(c, F_MASK) + ((<usize>bi) << 3);
				const any = hasMask ? (load<u64>(mp) & prefix) !== 0 : bits !== 0;
				while (bits !== 0) {
					const s = <usize>ctz<u64>(bits);
					bits &= bits - 1;
					store<i32>(blk + ((<usize>load<u8>(nat + s)) << 2), <i32>load<i16>(p + (s << 1)));
				}
				toPlane(c, m, y, bx, any);
			}
		}
	}
}
