// Sequential files whose one scan holds every component: Huffman decode,
// IDCT and output MCU row by MCU row, so memory is a few MCU rows whatever
// the frame size.

import { ensure16, ensure32, fastAc, huffBad, huffDecode, overrun, receiveExtend, skipBits } from "./_jpeg_bits";
import { cget, cset, E_CORRUPT, F_H, F_PRED, F_TA, F_TD, F_V, fail, NATURAL } from "./_jpeg_frame";
import { TABLE_BYTES } from "./_jpeg_huffman";
import { huff, ns, scanComp } from "./_jpeg_markers";
import { blk, emitRows, mcusX, mcusY, toPlane } from "./_jpeg_planes";
import { overrunError, restartDue, scanStart } from "./_jpeg_progressive";

/** Starts the sequential scan with every component (then baselineRow for
 * each MCU row in order). */
export function baselineStart(): void {
	scanStart();
}

/** Decodes MCU row m, IDCTs it into the ring and outputs the row before it
 * (the last call outputs both). */
export function baselineRow(m: i32): i32 {
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
	if (m === mcusY - 1) emitRows(m);
	return 0;
}

/** One baseline block into `blk` (natural order); true if any AC is nonzero. */
function sequentialBlock(c: i32, dct: usize, act: usize): bool {
	const z = i32x4.splat(0);
	for (let o: usize = 0; o < 256; o += 16) v128.store(blk + o, z);
	ensure32();
	// The fast table resolves DC differences too (its run field is 0 there).
	let diff = 0;
	const fd = fastAc(dct);
	if (fd !== 0) {
		diff = fd >> 16;
		skipBits(fd & 0xff);
	} else {
		const s = huffDecode(dct);
		if (s !== 0) diff = receiveExtend(s);
	}
	const pred = cget(c, F_PRED) + diff;
	cset(c, F_PRED, pred);
	store<i32>(blk, pred);
	let any = false;
	for (let k = 1; k < 64; k++) {
		// A fast entry needs 9 bits; the slow path tops up to 32 itself.
		ensure16();
		const f = fastAc(act);
		if (f !== 0) {
			k += (f >> 8) & 15;
			store<i32>(blk + ((<usize>load<u8>(NATURAL + <usize>k)) << 2), f >> 16);
			skipBits(f & 0xff);
			any = true;
			continue;
		}
		ensure32();
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
