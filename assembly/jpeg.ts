// Entry of the JPEG decoder kernel. The host makes a fresh instance per
// decode, calls `reserve` with the planned heap (one memory.grow), then
// `decode(d, outW, outH)`: the kernel pulls the file through env.refill,
// decodes at 1/d in the DCT domain, and pushes RGBA rows of the scaled image
// into the area resampler, whose finished rows leave through env.emitRow.
// Baseline data streams MCU row by MCU row through a ring of three MCU rows
// per component (the middle one is output, its neighbours are the fancy
// upsamplers' context); other files go through a coefficient store first.

import { areaBytes, areaSetup } from "./_area";
import { ensure, resetArena, take, used } from "./_arena";
import {
	bitsInit,
	ensure32,
	fastAc,
	huffBad,
	huffDecode,
	overrun,
	receiveExtend,
	skipBits,
	WINDOW_BYTES,
} from "./_jpeg_bits";
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
import { TABLE_BYTES } from "./_jpeg_huffman";
import { IDCT_BYTES, idctDcOnly, idctInit, idctIslow, idctScaled } from "./_jpeg_idct";
import {
	adobe,
	cget,
	cset,
	E_CORRUPT,
	E_MEMORY,
	errCode,
	errWhat,
	F_BH,
	F_BPL,
	F_BROWS,
	F_BW,
	F_CH,
	F_COEF,
	F_CW,
	F_H,
	F_ID,
	F_K,
	F_MASK,
	F_MODE,
	F_NH,
	F_NV,
	F_PLANE,
	F_PRED,
	F_RH,
	F_ROW,
	F_RPS,
	F_RV,
	F_SLOT,
	F_STRIDE,
	F_TA,
	F_TD,
	F_TQ,
	F_V,
	fail,
	height,
	hmax,
	huff,
	markersBytes,
	markersInit,
	NATURAL,
	ncomp,
	ns,
	progressive,
	qt,
	readMarkers,
	scanComp,
	vmax,
	width,
} from "./_jpeg_markers";
import { overrunError, restartDue, scanDecode, scanStart } from "./_jpeg_progressive";

let scale = 1;
let sw = 0; // scaled size
let sh = 0;
let mcusX = 0;
let mcusY = 0;
let mcuH = 0; // scaled rows per MCU row
let cs = CS_YCC;
let blk: usize = 0; // i32[64] natural order
let rgba: usize = 0;

export function heapBase(): usize {
	return __heap_base;
}

/** Grows memory once to `total` bytes; 0 if the module's maximum is lower. */
export function reserve(total: f64): i32 {
	const have = <f64>memory.size() * 65536;
	if (total <= have) return 1;
	return memory.grow(<i32>Math.ceil((total - have) / 65536)) >= 0 ? 1 : 0;
}

export function errorCode(): i32 {
	return errCode;
}

export function errorWhat(): i32 {
	return errWhat;
}

/** Arena bytes the decode laid out (for checking the host's estimate). */
export function usedBytes(): f64 {
	return <f64>used();
}

/** Last zigzag index + 1 among the coefficients an nh x nv IDCT reads. */
function keepCount(nh: i32, nv: i32): i32 {
	let kk = 1;
	for (let k = 0; k < 64; k++) {
		const n = <i32>load<u8>(NATURAL + <usize>k);
		if (n >> 3 < nv && (n & 7) < nh) kk = k + 1;
	}
	return kk;
}

function layout(store: bool): bool {
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
	for (let c = 0; c < ncomp; c++) {
		cset(c, F_COEF, 0);
		cset(c, F_MASK, 0);
		if (!store) continue;
		const kk = keepCount(cget(c, F_NH), cget(c, F_NV));
		const blocks = <usize>cget(c, F_BPL) * <usize>cget(c, F_BROWS);
		cset(c, F_K, kk);
		cset(c, F_COEF, <i32>take(blocks * ((<usize>kk) << 1)));
		if (kk < 64) cset(c, F_MASK, <i32>take(blocks << 3));
	}
	return true;
}

function colorSpace(): i32 {
	if (ncomp === 1) return CS_GRAY;
	if (ncomp === 4) return adobe === 2 ? CS_YCCK : CS_CMYK;
	if (adobe === 0) return CS_RGB;
	if (adobe < 0 && cget(0, F_ID) === 0x52 && cget(1, F_ID) === 0x47 && cget(2, F_ID) === 0x42) return CS_RGB;
	return CS_YCC;
}

function failed(code: i32, what: i32): i32 {
	fail(code, what);
	return errCode;
}

/** Decodes the whole file; 0 on success, else the error class (errorWhat says more). */
export function decode(d: i32, outW: i32, outH: i32): i32 {
	scale = d === 2 || d === 4 || d === 8 ? d : 1;
	resetArena();
	const win = take(<usize>WINDOW_BYTES);
	const marks = take(markersBytes());
	const idct = take(IDCT_BYTES);
	blk = take(256);
	if (!ensure(used())) return failed(E_MEMORY, 40);
	bitsInit(win);
	markersInit(marks);
	idctInit(idct);
	let r = readMarkers();
	if (r !== 1) return r === 2 ? failed(E_CORRUPT, 5) : errCode;
	cs = colorSpace();
	const streaming = !progressive && ns === ncomp;
	layout(!streaming);
	const ow = min(max(outW, 1), sw);
	const oh = min(max(outH, 1), sh);
	if (!ensure(used() + areaBytes(sw, ow))) return failed(E_MEMORY, 40);
	areaSetup(sw, sh, ow, oh, true);
	if (streaming) return baseline() < 0 ? errCode : 0;
	let scans = 0;
	for (;;) {
		if (scanDecode(mcusX, mcusY) < 0) return errCode;
		if (++scans > 1000) return failed(E_CORRUPT, 10);
		r = readMarkers();
		if (r === 2) break;
		if (r !== 1) return errCode;
	}
	for (let m = 0; m < mcusY; m++) {
		for (let c = 0; c < ncomp; c++) {
			const v = cget(c, F_V);
			const bpl = cget(c, F_BPL);
			const kk = cget(c, F_K);
			for (let y = 0; y < v; y++) {
				for (let bx = 0; bx < bpl; bx++) {
					const p = <usize>cget(c, F_COEF) + <usize>((m * v + y) * bpl + bx) * ((<usize>kk) << 1);
					memory.fill(blk, 0, 256);
					let any = false;
					for (let k = 0; k < kk; k++) {
						const q = <i32>load<i16>(p + ((<usize>k) << 1));
						if (q !== 0) {
							store<i32>(blk + ((<usize>load<u8>(NATURAL + <usize>k)) << 2), q);
							if (k > 0) any = true;
						}
					}
					toPlane(c, m, y, bx, any);
				}
			}
		}
		if (m > 0) emitRows(m - 1);
	}
	emitRows(mcusY - 1);
	return 0;
}

/** IDCT of `blk` into component c's ring slot for MCU row m, block row y, column bx. */
function toPlane(c: i32, m: i32, y: i32, bx: i32, any: bool): void {
	const nh = cget(c, F_NH);
	const nv = cget(c, F_NV);
	const stride = cget(c, F_STRIDE);
	const out = <usize>cget(c, F_PLANE) + <usize>((m % 3) * cget(c, F_SLOT) + y * nv * stride + bx * nh);
	const q = qt + ((<usize>cget(c, F_TQ)) << 8);
	const exact = nh === 8 && nv === 8;
	if (!any) idctDcOnly(load<i32>(blk) * load<i32>(q), exact, nh, nv, out, stride);
	else if (exact) idctIslow(blk, q, out, stride);
	else idctScaled(blk, q, nh, nv, out, stride);
}

function emitRows(m: i32): void {
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

import { areaPush } from "./_area";

/** Sequential scan with every component: decode, IDCT and output per MCU row. */
function baseline(): i32 {
	scanStart();
	for (let m = 0; m < mcusY; m++) {
		for (let mx = 0; mx < mcusX; mx++) {
			if (restartDue() < 0) return -1;
			for (let i = 0; i < ns; i++) {
				const c = <i32>load<u8>(scanComp + <usize>i);
				const h = cget(c, F_H);
				const v = cget(c, F_V);
				const dct = huff + <usize>cget(c, F_TD) * TABLE_BYTES;
				const act = huff + <usize>(4 + cget(c, F_TA)) * TABLE_BYTES;
				for (let y = 0; y < v; y++) {
					for (let x = 0; x < h; x++) {
						const any = sequentialBlock(c, dct, act);
						toPlane(c, m, y, mx * h + x, any);
					}
				}
			}
		}
		if (huffBad) return fail(E_CORRUPT, 6);
		if (overrun()) return overrunError();
		if (m > 0) emitRows(m - 1);
	}
	emitRows(mcusY - 1);
	return 0;
}

/** One baseline block into `blk` (natural order); true if any AC is nonzero. */
function sequentialBlock(c: i32, dct: usize, act: usize): bool {
	const z = i32x4.splat(0);
	for (let o: usize = 0; o < 256; o += 16) v128.store(blk + o, z);
	ensure32();
	const s = huffDecode(dct);
	const pred = cget(c, F_PRED) + (s !== 0 ? receiveExtend(s) : 0);
	cset(c, F_PRED, pred);
	store<i32>(blk, pred);
	let any = false;
	for (let k = 1; k < 64; k++) {
		ensure32();
		const f = fastAc(act);
		if (f !== 0) {
			k += (f >> 8) & 15;
			store<i32>(blk + ((<usize>load<u8>(NATURAL + <usize>k)) << 2), f >> 16);
			skipBits(f & 0xff);
			any = true;
			continue;
		}
		const rs = huffDecode(act);
		const r = rs >> 4;
		const sz = rs & 15;
		if (sz !== 0) {
			k += r;
			store<i32>(blk + ((<usize>load<u8>(NATURAL + <usize>k)) << 2), receiveExtend(sz));
			any = true;
		} else {
			if (r !== 15) break;
			k += 15;
		}
	}
	return any;
}
