// Scans decoded into a coefficient store: progressive JPEG (spectral
// selection, successive approximation, EOB runs) and sequential files that
// split their components over several scans. Each block keeps only the band
// of coefficients the chosen scale will transform (u < nh, v < nv: DC alone at
// 1/8), in zigzag order through a per-component slot map; the rest are parsed
// and dropped, but a refinement scan must know which of them are already
// nonzero to read its correction bits, so a u64 per block flags every
// nonzero AC coefficient. The scan loops are in _jpeg_scans.ts.

import {
	BITS_STATE_BYTES,
	bitsReset,
	bitsRestore,
	bitsSave,
	ensure32,
	fastAc,
	getBit,
	getBits,
	huffDecode,
	MARK_EOF,
	marker,
	nextMarker,
	overrun,
	receiveExtend,
	skipBits,
} from "./_jpeg_bits";
import { cget, cset, E_CORRUPT, E_TRUNCATED, F_PRED, F_TA, F_TD, fail, nonzeroSlots, prefixBits } from "./_jpeg_frame";
import { TABLE_BYTES } from "./_jpeg_huffman";
import { al, huff, ncomp, restartInterval, se, ss } from "./_jpeg_markers";

let eobrun = 0;
let todo = 0;

/** Where a decode that ran past the data stopped: the end (truncated) or a marker. */
export function overrunError(): i32 {
	return fail(marker === MARK_EOF || marker === 0xd9 ? E_TRUNCATED : E_CORRUPT, marker === MARK_EOF ? 30 : 11);
}

/** Starts a scan's entropy data: predictions, EOB run and restart count. */
export function scanStart(): void {
	bitsReset();
	for (let c = 0; c < ncomp; c++) cset(c, F_PRED, 0);
	eobrun = 0;
	todo = restartInterval;
}

/** Bytes of a scan's saved state: the reader's, then EOB run, restart count and four DC predictions. */
export const SCAN_STATE_BYTES: usize = 48;

/** Saves where the current scan's decoding stopped (the end of a pass's band). */
export function scanSave(p: usize): void {
	bitsSave(p);
	store<i32>(p + BITS_STATE_BYTES, eobrun);
	store<i32>(p + BITS_STATE_BYTES, todo, 4);
	for (let c = 0; c < ncomp; c++) store<i32>(p + BITS_STATE_BYTES + 8 + ((<usize>c) << 2), cget(c, F_PRED));
}

/** Resumes the current scan where scanSave(p) left it, in the previous pass. */
export function scanResume(p: usize): void {
	bitsRestore(p);
	eobrun = load<i32>(p + BITS_STATE_BYTES);
	todo = load<i32>(p + BITS_STATE_BYTES, 4);
	for (let c = 0; c < ncomp; c++) cset(c, F_PRED, load<i32>(p + BITS_STATE_BYTES + 8 + ((<usize>c) << 2)));
}

/** Called before each MCU: consumes an RSTn when the interval is complete. */
export function restartDue(): i32 {
	if (restartInterval === 0) return 0;
	if (todo === 0) {
		if (overrun()) return overrunError();
		bitsReset();
		const m = nextMarker();
		if (m === MARK_EOF) return fail(E_TRUNCATED, 30);
		if (m < 0xd0 || m > 0xd7) return fail(E_CORRUPT, 8);
		for (let c = 0; c < ncomp; c++) cset(c, F_PRED, 0);
		eobrun = 0;
		todo = restartInterval;
	}
	todo--;
	return 0;
}

export function dcFirst(c: i32, coef: usize, shift: i32): void {
	ensure32();
	const t = huff + <usize>cget(c, F_TD) * TABLE_BYTES;
	let diff = 0;
	const f = fastAc(t);
	if (f !== 0) {
		diff = f >> 16;
		skipBits(f & 0xff);
	} else {
		const s = huffDecode(t);
		if (s !== 0) diff = receiveExtend(s);
	}
	const pred = cget(c, F_PRED) + diff;
	cset(c, F_PRED, pred);
	store<i16>(coef, <i16>(pred << shift));
}

export function acFirst(c: i32, coef: usize, maskp: usize, map: usize, from: i32, to: i32, shift: i32): void {
	if (eobrun > 0) {
		eobrun--;
		return;
	}
	const t = huff + <usize>(4 + cget(c, F_TA)) * TABLE_BYTES;
	let m = load<u64>(maskp);
	for (let k = from; k <= to; k++) {
		ensure32();
		const f = fastAc(t);
		let v = 0;
		if (f !== 0) {
			k = min(k + ((f >> 8) & 15), 63);
			v = f >> 16;
			skipBits(f & 0xff);
		} else {
			const rs = huffDecode(t);
			const r = rs >> 4;
			const sz = rs & 15;
			if (sz === 0) {
				if (r < 15) {
					eobrun = 1 << r;
					if (r !== 0) eobrun += getBits(r);
					eobrun--;
					break;
				}
				k += 15;
				continue;
			}
			k = min(k + r, 63);
			v = receiveExtend(sz);
		}
		m |= (<u64>1) << (<u64>k);
		const slot = <usize>load<u8>(map + <usize>k);
		if (slot !== 255) store<i16>(coef + (slot << 1), <i16>(v << shift));
	}
	store<u64>(maskp, m);
}

export function acRefine(c: i32, coef: usize, maskp: usize, map: usize, hasMask: bool): void {
	const p1 = 1 << al;
	const m1 = -1 << al;
	const t = huff + <usize>(4 + cget(c, F_TA)) * TABLE_BYTES;
	// Nonzero flags of every AC coefficient (kept or not), in a local for the
	// block; a component that keeps all 64 in one pass has them in its values.
	let m = hasMask ? load<u64>(maskp) : nonzeroSlots(coef, 64);
	let k = ss;
	if (eobrun === 0) {
		for (; k <= se; k++) {
			ensure32();
			let r = 0;
			let s = 0;
			// A newly nonzero coefficient is size 1 plus its sign bit: the fast
			// table holds both (value +-1).
			const f = fastAc(t);
			if (f !== 0) {
				r = (f >> 8) & 15;
				s = f > 0 ? p1 : m1;
				skipBits(f & 0xff);
			} else {
				const rs = huffDecode(t);
				r = rs >> 4;
				s = rs & 15;
				if (s !== 0) s = getBit() !== 0 ? p1 : m1;
				else if (r !== 15) {
					eobrun = 1 << r;
					if (r !== 0) eobrun += getBits(r);
					break;
				}
			}
			// Skip r zero coefficients, refining the nonzero ones met on the way.
			do {
				if (((m >> <u64>k) & 1) !== 0) {
					if (getBit() !== 0) {
						const slot = <usize>load<u8>(map + <usize>k);
						if (slot !== 255) refine(coef + (slot << 1), p1, m1);
					}
				} else if (--r < 0) break;
				k++;
			} while (k <= se);
			if (s !== 0) {
				const kp = min(k, 63);
				m |= (<u64>1) << (<u64>kp);
				const slot = <usize>load<u8>(map + <usize>kp);
				if (slot !== 255) store<i16>(coef + (slot << 1), <i16>s);
			}
		}
	}
	if (eobrun > 0) {
		if (k <= se) {
			// Only the nonzero coefficients of the band take a correction bit.
			const band: u64 = se === 63 ? <u64>-1 : ((<u64>1) << (<u64>(se + 1))) - 1;
			const bits = m & band & ~(((<u64>1) << (<u64>k)) - 1);
			// The bits come in zigzag order: one by one up to the band's last kept
			// index (unkept ones in between are read and dropped)...
			const upTo = prefixBits(c);
			let low = bits & upTo;
			while (low !== 0) {
				const kb = <usize>ctz<u64>(low);
				low &= low - 1;
				const slot = <usize>load<u8>(map + kb);
				if (getBit() !== 0 && slot !== 255) refine(coef + (slot << 1), p1, m1);
			}
			// ...and past it only their count matters.
			let n = <i32>popcnt<u64>(bits & ~upTo);
			while (n > 16) {
				getBits(16);
				n -= 16;
			}
			if (n > 0) getBits(n);
		}
		eobrun--;
	}
	if (hasMask) store<u64>(maskp, m);
}

function refine(p: usize, p1: i32, m1: i32): void {
	const v = <i32>load<i16>(p);
	if ((v & p1) === 0) store<i16>(p, <i16>(v + (v >= 0 ? p1 : m1)));
}
