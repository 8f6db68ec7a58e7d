// Sequential files whose one scan holds every component are Huffman decoded,
// IDCT'd and output MCU row by MCU row (baselineRow, in _jpeg_scans.ts, which
// shares the MCU walk with the coefficient store), so memory is a few MCU
// rows whatever the frame size. This is the decode of one of their blocks.

import { ensure16, ensure32, fastAc, huffDecode, receiveExtend, skipBits } from "./_jpeg_bits";
import { cget, cset, F_PRED, NATURAL } from "./_jpeg_frame";
import { blk } from "./_jpeg_planes";

/** One baseline block into `blk` (natural order); true if any AC is nonzero. */
export function sequentialBlock(c: i32, dct: usize, act: usize): bool {
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
