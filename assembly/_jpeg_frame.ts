// What the kernel's parts share about the frame: the error state reported to
// the host, the per-component table (i32 fields in kernel memory: the stub
// runtime has no managed objects) and libjpeg's zigzag order.

// Error classes reported to the host, and what went wrong (messages live in TS).
export const E_TRUNCATED = 1;
export const E_CORRUPT = 2;
export const E_UNSUPPORTED = 3;
export const E_MEMORY = 4;
export let errCode = 0;
export let errWhat = 0;

export function failReset(): void {
	errCode = 0;
	errWhat = 0;
}

export function fail(code: i32, what: i32): i32 {
	if (errCode === 0) {
		errCode = code;
		errWhat = what;
	}
	return -1;
}

// Component table: i32 fields, 32 per component.
export const F_ID = 0;
export const F_H = 1;
export const F_V = 2;
export const F_TQ = 3;
export const F_TD = 4;
export const F_TA = 5;
export const F_NH = 6; // IDCT output width of one block
export const F_NV = 7;
export const F_RH = 8; // replication after the IDCT
export const F_RV = 9;
export const F_MODE = 10; // upsampling (MODE_*)
export const F_PLANE = 11;
export const F_STRIDE = 12;
export const F_RPS = 13; // plane rows per MCU row (one ring slot)
export const F_CW = 14; // real width of the plane, in samples
export const F_CH = 15;
export const F_BPL = 16; // blocks per line, MCU padded
export const F_BROWS = 17;
export const F_PRED = 18;
export const F_COEF = 19; // coefficient store: K i16 per block, the kept band in zigzag order
export const F_K = 20; // coefficients kept per block (nh x nv)
export const F_MASK = 21; // u64 per stored block: which AC coefficients are nonzero (kept or not), or JUNK_MASK
export const F_HASMASK = 26; // 1 when F_MASK is a real per-block array
export const F_B0 = 27; // first block row stored (and parsed) in this pass
export const F_ROW = 22; // upsampled row buffer
export const F_BW = 23; // real blocks per line (non-interleaved scans)
export const F_BH = 24;
export const F_SLOT = 25;
export const COMP_BYTES: usize = 128;

let comps: usize = 0;

// Per component, the band the IDCT reads (u < nh, v < nv): zigzag index ->
// store slot (255: not kept, only its nonzero flag is tracked), slot ->
// natural index, and the zigzag prefix up to the band's last index as a u64
// (refinement reads correction bits one by one up to it; storeRowToPlanes
// decides by it which blocks take the reduced IDCT).
const BAND: usize = memory.data(4 * 192);
/** Where the nonzero flags of a component that keeps none go: written, never read. */
export const JUNK_MASK: usize = memory.data(8, 8);

export function slotMap(c: i32): usize {
	return BAND + <usize>c * 192;
}

export function slotNatural(c: i32): usize {
	return BAND + <usize>c * 192 + 64;
}

export function prefixBits(c: i32): u64 {
	return load<u64>(BAND + <usize>c * 192 + 128);
}

/** Sets component c's kept band to u < nh, v < nv; returns its size. */
export function setBand(c: i32, nh: i32, nv: i32): i32 {
	const map = slotMap(c);
	let slots = 0;
	let last = 0;
	for (let k = 0; k < 64; k++) {
		const n = <i32>load<u8>(NATURAL + <usize>k);
		if (n >> 3 < nv && (n & 7) < nh) {
			store<u8>(map + <usize>k, <u8>slots);
			store<u8>(slotNatural(c) + <usize>slots, <u8>n);
			last = k;
			slots++;
		} else store<u8>(map + <usize>k, 255);
	}
	store<u64>(BAND + <usize>c * 192 + 128, last === 63 ? <u64>-1 : ((<u64>1) << (<u64>(last + 1))) - 1);
	return slots;
}

/** Bit s set when slot s of the K stored at p is nonzero (reads 16 bytes past
 * K < 8: stores have that slack). */
export function nonzeroSlots(p: usize, kk: i32): u64 {
	let bits: u64 = 0;
	const z = i16x8.splat(0);
	for (let o = 0; o < kk; o += 8) {
		bits |= (<u64>i16x8.bitmask(i16x8.ne(v128.load(p + ((<usize>o) << 1)), z))) << (<u64>o);
	}
	return kk >= 64 ? bits : bits & (((<u64>1) << (<u64>kk)) - 1);
}

/** Places the component table (COMP_BYTES each, four at most). */
export function compsInit(area: usize): void {
	comps = area;
	memory.fill(comps, 0, COMP_BYTES * 4);
}

export function cget(c: i32, f: i32): i32 {
	return load<i32>(comps + <usize>c * COMP_BYTES + ((<usize>f) << 2));
}

export function cset(c: i32, f: i32, v: i32): void {
	store<i32>(comps + <usize>c * COMP_BYTES + ((<usize>f) << 2), v);
}

// jpeg_natural_order plus 16 entries of 63, so a run past the end stays inside a block.
export const NATURAL: usize = memory.data<u8>([
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
	55, 62, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]);
