// Scans decoded into a coefficient store: progressive JPEG (spectral
// selection, successive approximation, EOB runs) and sequential files that
// split their components over several scans. Each block keeps only the first
// K zigzag coefficients the chosen scale will transform (DC alone at 1/8);
// the rest are parsed and dropped, but a refinement scan must know which of
// them are already nonzero to read its correction bits, so a u64 per block
// flags every nonzero AC coefficient; it also lets refinement and the
// output pass visit only the nonzero ones.

import {
	bitsReset,
	ensure32,
	fastAc,
	getBit,
	getBits,
	huffBad,
	huffDecode,
	MARK_EOF,
	marker,
	nextMarker,
	overrun,
	receiveExtend,
	skipBits,
} from "./_jpeg_bits";
import {
	cget,
	cset,
	E_CORRUPT,
	E_TRUNCATED,
	F_BH,
	F_BPL,
	F_BW,
	F_COEF,
	F_H,
	F_K,
	F_MASK,
	F_PRED,
	F_TA,
	F_TD,
	F_V,
	fail,
} from "./_jpeg_frame";
import { TABLE_BYTES } from "./_jpeg_huffman";
import { ah, al, huff, ncomp, ns, progressive, restartInterval, scanComp, se, ss } from "./_jpeg_markers";

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

function dcFirst(c: i32, coef: usize, shift: i32): void {
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

function acFirst(c: i32, coef: usize, maskp: usize, kk: i32, from: i32, to: i32, shift: i32): void {
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
		if (k < kk) store<i16>(coef + ((<usize>k) << 1), <i16>(v << shift));
	}
	store<u64>(maskp, m);
}

function acRefine(c: i32, coef: usize, maskp: usize, kk: i32): void {
	const p1 = 1 << al;
	const m1 = -1 << al;
	const t = huff + <usize>(4 + cget(c, F_TA)) * TABLE_BYTES;
	// Nonzero flags of every AC coefficient (kept or not), in a local for the block.
	let m = load<u64>(maskp);
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
					if (getBit() !== 0 && k < kk) refine(coef + ((<usize>k) << 1), p1, m1);
				} else if (--r < 0) break;
				k++;
			} while (k <= se);
			if (s !== 0) {
				const kp = min(k, 63);
				m |= (<u64>1) << (<u64>kp);
				if (kp < kk) store<i16>(coef + ((<usize>kp) << 1), <i16>s);
			}
		}
	}
	if (eobrun > 0) {
		if (k <= se) {
			// Only the nonzero coefficients of the band take a correction bit.
			const upTo: u64 = se === 63 ? <u64>-1 : ((<u64>1) << (<u64>(se + 1))) - 1;
			const bits = m & upTo & ~(((<u64>1) << (<u64>k)) - 1);
			const kept: u64 = kk >= 64 ? <u64>-1 : ((<u64>1) << (<u64>kk)) - 1;
			let low = bits & kept;
			while (low !== 0) {
				const kb = <i32>ctz<u64>(low);
				low &= low - 1;
				if (getBit() !== 0) refine(coef + ((<usize>kb) << 1), p1, m1);
			}
			// Past the kept ones only the count of correction bits matters.
			let n = <i32>popcnt<u64>(bits & ~kept);
			while (n > 16) {
				getBits(16);
				n -= 16;
			}
			if (n > 0) getBits(n);
		}
		eobrun--;
	}
	store<u64>(maskp, m);
}

function refine(p: usize, p1: i32, m1: i32): void {
	const v = <i32>load<i16>(p);
	if ((v & p1) === 0) store<i16>(p, <i16>(v + (v >= 0 ? p1 : m1)));
}

function block(c: i32, bi: i32): void {
	const kk = cget(c, F_K);
	const coef = <usize>cget(c, F_COEF) + <usize>bi * ((<usize>kk) << 1);
	const mask = <usize>cget(c, F_MASK) + ((<usize>bi) << 3);
	if (!progressive) {
		dcFirst(c, coef, 0);
		acFirst(c, coef, mask, kk, 1, 63, 0);
	} else if (ss === 0) {
		if (ah === 0) dcFirst(c, coef, al);
		else if (getBit() !== 0) store<i16>(coef, <i16>(<i32>load<i16>(coef) | (1 << al)));
	} else if (ah === 0) acFirst(c, coef, mask, kk, ss, se, al);
	else acRefine(c, coef, mask, kk);
}

/** Blocks the current scan visits (what decoding it costs). */
export function scanBlocks(mcusX: i32, mcusY: i32): f64 {
	if (ns === 1) {
		const c = <i32>load<u8>(scanComp);
		return <f64>cget(c, F_BW) * <f64>cget(c, F_BH);
	}
	let per = 0;
	for (let i = 0; i < ns; i++) {
		const c = <i32>load<u8>(scanComp + <usize>i);
		per += cget(c, F_H) * cget(c, F_V);
	}
	return <f64>mcusX * <f64>mcusY * <f64>per;
}

/** Decodes the current scan into the store; 0, or -1 with the error set. */
export function scanDecode(mcusX: i32, mcusY: i32): i32 {
	scanStart();
	if (ns === 1) {
		const c = <i32>load<u8>(scanComp);
		const bw = cget(c, F_BW);
		const bh = cget(c, F_BH);
		const bpl = cget(c, F_BPL);
		for (let by = 0; by < bh; by++) {
			for (let bx = 0; bx < bw; bx++) {
				if (restartDue() < 0) return -1;
				block(c, by * bpl + bx);
			}
			if (huffBad) return fail(E_CORRUPT, 6);
			if (overrun()) return overrunError();
		}
		return 0;
	}
	for (let my = 0; my < mcusY; my++) {
		for (let mx = 0; mx < mcusX; mx++) {
			if (restartDue() < 0) return -1;
			for (let i = 0; i < ns; i++) {
				const c = <i32>load<u8>(scanComp + <usize>i);
				const h = cget(c, F_H);
				const v = cget(c, F_V);
				const bpl = cget(c, F_BPL);
				for (let y = 0; y < v; y++) for (let x = 0; x < h; x++) block(c, (my * v + y) * bpl + mx * h + x);
			}
		}
		if (huffBad) return fail(E_CORRUPT, 6);
		if (overrun()) return overrunError();
	}
	return 0;
}
