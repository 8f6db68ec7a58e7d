// The scan loops of files decoded into the coefficient store: which block of
// which component each entropy-coded unit is, where its coefficients go, and
// which scans are not parsed at all (AC of a component that keeps DC alone).
// A decode in passes parses only the blocks of the pass's MCU rows: each
// scan stops after the band (readMarkers then skips the rest of its bytes to
// the next marker) and saves where it stopped, and the next pass resumes it
// there (the reader seeks back in the file), so a file's entropy data is
// decoded once whatever the number of passes, and the store, values and
// nonzero flags, holds only the band. The streaming decode of a sequential
// scan of every component walks its MCU rows here too (baselineRow), the same
// walk with each block decoded straight into the ring instead of the store.

import { sequentialBlock } from "./_jpeg_baseline";
import { getBit, huffBad, overrun } from "./_jpeg_bits";
import {
	cget,
	E_CORRUPT,
	F_B0,
	F_BH,
	F_BPL,
	F_BW,
	F_COEF,
	F_H,
	F_HASMASK,
	F_K,
	F_MASK,
	F_TA,
	F_TD,
	F_V,
	fail,
	slotMap,
} from "./_jpeg_frame";
import { TABLE_BYTES } from "./_jpeg_huffman";
import { ah, al, huff, ns, progressive, scanComp, se, ss } from "./_jpeg_markers";
import { emitRows, toPlane } from "./_jpeg_planes";
import {
	acFirst,
	acRefine,
	dcFirst,
	overrunError,
	restartDue,
	scanResume,
	scanSave,
	scanStart,
} from "./_jpeg_progressive";

/** Block (bx, by) of component c, inside the pass's band. */
function block(c: i32, bx: i32, by: i32): void {
	const kk = cget(c, F_K);
	const bi = (by - cget(c, F_B0)) * cget(c, F_BPL) + bx;
	const coef = <usize>cget(c, F_COEF) + <usize>bi * ((<usize>kk) << 1);
	const hasMask = cget(c, F_HASMASK) !== 0;
	const mask = <usize>cget(c, F_MASK) + (hasMask ? (<usize>bi) << 3 : 0);
	const map = slotMap(c);
	if (!progressive) {
		dcFirst(c, coef, 0);
		acFirst(c, coef, mask, map, 1, 63, 0);
	} else if (ss === 0) {
		if (ah === 0) dcFirst(c, coef, al);
		else if (getBit() !== 0) store<i16>(coef, <i16>(<i32>load<i16>(coef) | (1 << al)));
	} else if (ah === 0) acFirst(c, coef, mask, map, ss, se, al);
	else acRefine(c, coef, mask, map, hasMask);
}

/** The blocks of MCU row my, component by component in scan order, a
 * restart marker checked before each MCU: decoded, IDCT'd and put in the
 * ring at once when `direct` (a sequential scan of every component), else
 * parsed into the coefficient store. 0, or -1 with the error set. */
function mcuRow(my: i32, mcusX: i32, direct: bool): i32 {
	for (let mx = 0; mx < mcusX; mx++) {
		if (restartDue() < 0) return -1;
		for (let i = 0; i < ns; i++) {
			const c = <i32>load<u8>(scanComp + <usize>i);
			const h = cget(c, F_H);
			const v = cget(c, F_V);
			const dct = direct ? huff + <usize>cget(c, F_TD) * TABLE_BYTES : 0;
			const act = direct ? huff + <usize>(4 + cget(c, F_TA)) * TABLE_BYTES : 0;
			for (let y = 0; y < v; y++) {
				for (let x = 0; x < h; x++) {
					if (direct) toPlane(c, my, y, mx * h + x, sequentialBlock(c, dct, act));
					else block(c, mx * h + x, my * v + y);
				}
			}
		}
	}
	return 0;
}

/** Starts the sequential scan with every component (then baselineRow for
 * each MCU row in order). */
export function baselineStart(): void {
	scanStart();
}

/** Decodes MCU row m, IDCTs it into the ring and outputs the row before it
 * (the last call outputs both). */
export function baselineRow(m: i32, mcusX: i32, mcusY: i32): i32 {
	if (mcuRow(m, mcusX, true) < 0) return -1;
	if (huffBad) return fail(E_CORRUPT, 6);
	if (overrun()) return overrunError();
	if (m > 0) emitRows(m - 1);
	if (m === mcusY - 1) emitRows(m);
	return 0;
}

/** True when the current scan is not parsed: AC of a component that keeps DC alone. */
export function scanSkipped(): bool {
	return progressive && ss > 0 && cget(<i32>load<u8>(scanComp), F_K) === 1;
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

/** Decodes the current scan's MCU rows [r0, r1) into the store: from its
 * start when r0 is 0, else from where the previous pass saved it to `state`;
 * saves there again if `state` is set. 0, or -1 with the error set. */
export function scanDecode(mcusX: i32, mcusY: i32, r0: i32, r1: i32, state: usize): i32 {
	if (scanSkipped()) return 0;
	if (ns === 1) {
		const c = <i32>load<u8>(scanComp);
		const bw = cget(c, F_BW);
		const v = cget(c, F_V);
		const bh = min(cget(c, F_BH), r1 * v);
		if (r0 * v >= bh) return 0;
		if (r0 === 0) scanStart();
		else scanResume(state);
		for (let by = r0 * v; by < bh; by++) {
			for (let bx = 0; bx < bw; bx++) {
				if (restartDue() < 0) return -1;
				block(c, bx, by);
			}
			if (huffBad) return fail(E_CORRUPT, 6);
			if (overrun()) return overrunError();
		}
		if (state !== 0) scanSave(state);
		return 0;
	}
	const end = min(mcusY, r1);
	if (r0 >= end) return 0;
	if (r0 === 0) scanStart();
	else scanResume(state);
	for (let my = r0; my < end; my++) {
		if (mcuRow(my, mcusX, false) < 0) return -1;
		if (huffBad) return fail(E_CORRUPT, 6);
		if (overrun()) return overrunError();
	}
	if (state !== 0) scanSave(state);
	return 0;
}
