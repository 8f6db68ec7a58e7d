// The scan loops of files decoded into the coefficient store: which block of
// which component each entropy-coded unit is, where its coefficients go, and
// which scans are not parsed at all (AC of a component that keeps DC alone).
// A decode in passes stores only the blocks of the pass's MCU rows (the
// others' values go to JUNK, their nonzero flags are still kept: later
// refinement scans need them to parse) and stops each scan after its band;
// readMarkers then skips the rest of the scan's bytes to the next marker.

import { getBit, huffBad, overrun } from "./_jpeg_bits";
import {
	cget,
	E_CORRUPT,
	F_B0,
	F_B1,
	F_BH,
	F_BPL,
	F_BW,
	F_COEF,
	F_H,
	F_HASMASK,
	F_K,
	F_MASK,
	F_V,
	fail,
	JUNK,
	slotMap,
} from "./_jpeg_frame";
import { ah, al, ns, progressive, scanComp, se, ss } from "./_jpeg_markers";
import { acFirst, acRefine, dcFirst, overrunError, restartDue, scanStart } from "./_jpeg_progressive";

/** Block (bx, by) of component c: stored if its row is in the pass's band. */
function block(c: i32, bx: i32, by: i32): void {
	const kk = cget(c, F_K);
	const bpl = cget(c, F_BPL);
	const b0 = cget(c, F_B0);
	const held = by >= b0 && by < cget(c, F_B1);
	const coef = held ? <usize>cget(c, F_COEF) + <usize>((by - b0) * bpl + bx) * ((<usize>kk) << 1) : JUNK;
	const hasMask = cget(c, F_HASMASK) !== 0;
	const mask = <usize>cget(c, F_MASK) + (hasMask ? (<usize>(by * bpl + bx)) << 3 : 0);
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

/** Decodes the current scan into the store up to MCU row r1 (the rest of its
 * data is left for readMarkers to skip); 0, or -1 with the error set. */
export function scanDecode(mcusX: i32, mcusY: i32, r1: i32): i32 {
	if (scanSkipped()) return 0;
	scanStart();
	if (ns === 1) {
		const c = <i32>load<u8>(scanComp);
		const bw = cget(c, F_BW);
		const bh = min(cget(c, F_BH), r1 * cget(c, F_V));
		for (let by = 0; by < bh; by++) {
			for (let bx = 0; bx < bw; bx++) {
				if (restartDue() < 0) return -1;
				block(c, bx, by);
			}
			if (huffBad) return fail(E_CORRUPT, 6);
			if (overrun()) return overrunError();
		}
		return 0;
	}
	for (let my = 0; my < min(mcusY, r1); my++) {
		for (let mx = 0; mx < mcusX; mx++) {
			if (restartDue() < 0) return -1;
			for (let i = 0; i < ns; i++) {
				const c = <i32>load<u8>(scanComp + <usize>i);
				const h = cget(c, F_H);
				const v = cget(c, F_V);
				for (let y = 0; y < v; y++) for (let x = 0; x < h; x++) block(c, mx * h + x, my * v + y);
			}
		}
		if (huffBad) return fail(E_CORRUPT, 6);
		if (overrun()) return overrunError();
	}
	return 0;
}
