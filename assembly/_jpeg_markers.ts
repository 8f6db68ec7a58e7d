// Marker segments: the kernel reads the header itself from the input window
// (the host's header probe only plans memory), so what is decoded is exactly
// what was validated here.

import { MARK_EOF, nextByte, nextMarker, skipBytes } from "./_jpeg_bits";
import {
	COMP_BYTES,
	cget,
	compsInit,
	cset,
	E_CORRUPT,
	E_TRUNCATED,
	E_UNSUPPORTED,
	F_H,
	F_ID,
	F_TA,
	F_TD,
	F_TQ,
	F_V,
	fail,
	failReset,
	NATURAL,
} from "./_jpeg_frame";
import { huffBuild, TABLE_BYTES } from "./_jpeg_huffman";

export let qt: usize = 0; // 4 x i32[64], natural order
export let huff: usize = 0; // 8 tables: DC 0-3, AC 4-7
let scratch: usize = 0; // 16 counts + 256 values

// Frame.
export let width = 0;
export let height = 0;
export let ncomp = 0;
export let hmax = 1;
export let vmax = 1;
export let progressive = false;
export let frameSeen = false;
export let restartInterval = 0;
export let adobe = -1; // APP14 transform, -1 without the marker
let tablesDefined = 0; // bit per DC (0-3) and AC (4-7) table, 8+ per quant table

// Current scan.
export let ns = 0;
export const scanComp: usize = memory.data(16); // component index per scan slot
export let ss = 0;
export let se = 0;
export let ah = 0;
export let al = 0;

export function markersInit(area: usize): void {
	compsInit(area);
	qt = area + COMP_BYTES * 4;
	huff = qt + 1024;
	scratch = huff + TABLE_BYTES * 8;
	memory.fill(qt, 0, 1024);
	width = height = ncomp = 0;
	hmax = vmax = 1;
	progressive = frameSeen = false;
	restartInterval = 0;
	adobe = -1;
	tablesDefined = 0;
	failReset();
}

/** Forgets the header for reading the file again (a decode in passes); the
 * component table keeps its layout fields, the frame header rewrites the rest. */
export function markersRestart(): void {
	memory.fill(qt, 0, 1024);
	progressive = frameSeen = false;
	restartInterval = 0;
	adobe = -1;
	tablesDefined = 0;
}

/** Bytes markersInit lays out. */
export function markersBytes(): usize {
	return COMP_BYTES * 4 + 1024 + TABLE_BYTES * 8 + 512;
}

function u16(): i32 {
	const a = nextByte();
	const b = nextByte();
	return a < 0 || b < 0 ? -1 : (a << 8) | b;
}

/** Reads segments up to the next SOS (returns 1, scan header parsed) or EOI
 * (returns 2); -1 on error (errCode set). */
export function readMarkers(): i32 {
	let r = 0;
	while (r >= 0) {
		const m = nextMarker();
		if (m === MARK_EOF) return fail(E_TRUNCATED, 30);
		if (m === 0xd9) return 2;
		if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) continue;
		const len = u16();
		if (len < 0) return fail(E_TRUNCATED, 30);
		if (len < 2) return fail(E_CORRUPT, 1);
		const body = len - 2;
		if (m === 0xdb) r = readDqt(body);
		else if (m === 0xc4) r = readDht(body);
		else if (m === 0xc0 || m === 0xc1 || m === 0xc2) r = readSof(m, body);
		else if (m === 0xc3 || m === 0xc7 || m === 0xcb || m === 0xcf) return fail(E_UNSUPPORTED, 22);
		else if (m === 0xc5 || m === 0xc6 || m === 0xcd || m === 0xce || m === 0xde) return fail(E_UNSUPPORTED, 23);
		else if (m === 0xc9 || m === 0xca || m === 0xcc) return fail(E_UNSUPPORTED, 21);
		else if (m === 0xdd) {
			if (body < 2) return fail(E_CORRUPT, 1);
			restartInterval = u16();
			r = skipBytes(body - 2) ? 0 : fail(E_TRUNCATED, 30);
		} else if (m === 0xda) return readSos(body);
		else if (m === 0xee) r = readAdobe(body);
		else if ((m >= 0xe0 && m <= 0xef) || m === 0xfe || m === 0xdc || (m >= 0xf0 && m <= 0xfd)) {
			r = skipBytes(body) ? 0 : fail(E_TRUNCATED, 30);
		} else r = fail(E_CORRUPT, 1);
	}
	return -1;
}

function readDqt(n: i32): i32 {
	while (n > 0) {
		const pt = nextByte();
		if (pt < 0) return fail(E_TRUNCATED, 30);
		const wide = pt >> 4;
		const t = pt & 15;
		if (wide > 1 || t > 3 || n < 1 + 64 * (wide + 1)) return fail(E_CORRUPT, 2);
		const q = qt + ((<usize>t) << 8);
		for (let k = 0; k < 64; k++) {
			const v = wide ? u16() : nextByte();
			if (v < 0) return fail(E_TRUNCATED, 30);
			store<i32>(q + ((<usize>load<u8>(NATURAL + <usize>k)) << 2), v);
		}
		tablesDefined |= 256 << t;
		n -= 1 + 64 * (wide + 1);
	}
	return 0;
}

function readDht(n: i32): i32 {
	while (n > 0) {
		const tc = nextByte();
		if (tc < 0) return fail(E_TRUNCATED, 30);
		const cls = tc >> 4;
		const th = tc & 15;
		if (cls > 1 || th > 3 || n < 17) return fail(E_CORRUPT, 3);
		let total = 0;
		for (let i = 0; i < 16; i++) {
			const c = nextByte();
			if (c < 0) return fail(E_TRUNCATED, 30);
			store<u8>(scratch + <usize>i, <u8>c);
			total += c;
		}
		if (total > 256 || n < 17 + total) return fail(E_CORRUPT, 3);
		for (let i = 0; i < total; i++) {
			const v = nextByte();
			if (v < 0) return fail(E_TRUNCATED, 30);
			// DC categories above 15 cannot occur in 8-bit data (libjpeg refuses them too).
			if (cls === 0 && v > 15) return fail(E_CORRUPT, 3);
			store<u8>(scratch + 16 + <usize>i, <u8>v);
		}
		const slot = cls * 4 + th;
		if (!huffBuild(huff + <usize>slot * TABLE_BYTES, scratch, scratch + 16)) return fail(E_CORRUPT, 3);
		tablesDefined |= 1 << slot;
		n -= 17 + total;
	}
	return 0;
}

function readSof(m: i32, n: i32): i32 {
	if (frameSeen) return fail(E_UNSUPPORTED, 26);
	if (n < 6) return fail(E_CORRUPT, 4);
	const p = nextByte();
	height = u16();
	width = u16();
	ncomp = nextByte();
	if (ncomp < 0 || width < 0) return fail(E_TRUNCATED, 30);
	if (p !== 8) return fail(E_UNSUPPORTED, 20);
	if (width === 0 || height <= 0) return fail(E_CORRUPT, 4);
	if (ncomp !== 1 && ncomp !== 3 && ncomp !== 4) return fail(E_UNSUPPORTED, 24);
	if (n !== 6 + ncomp * 3) return fail(E_CORRUPT, 4);
	hmax = vmax = 1;
	for (let c = 0; c < ncomp; c++) {
		const id = nextByte();
		const hv = nextByte();
		const tq = nextByte();
		if (tq < 0) return fail(E_TRUNCATED, 30);
		let h = hv >> 4;
		let v = hv & 15;
		if (h < 1 || h > 4 || v < 1 || v > 4 || tq > 3) return fail(E_CORRUPT, 4);
		if (ncomp === 1) h = v = 1; // a lone component is its own MCU, whatever it declares
		cset(c, F_ID, id);
		cset(c, F_H, h);
		cset(c, F_V, v);
		cset(c, F_TQ, tq);
		hmax = max(hmax, h);
		vmax = max(vmax, v);
	}
	for (let c = 0; c < ncomp; c++) {
		if (hmax % cget(c, F_H) !== 0 || vmax % cget(c, F_V) !== 0) return fail(E_UNSUPPORTED, 25);
	}
	progressive = m === 0xc2;
	frameSeen = true;
	return 0;
}

function readSos(n: i32): i32 {
	if (!frameSeen) return fail(E_CORRUPT, 5);
	ns = nextByte();
	if (ns < 1 || ns > 4 || n !== 4 + ns * 2) return fail(ns < 0 ? E_TRUNCATED : E_CORRUPT, 5);
	for (let i = 0; i < ns; i++) {
		const id = nextByte();
		const t = nextByte();
		if (t < 0) return fail(E_TRUNCATED, 30);
		let c = 0;
		while (c < ncomp && cget(c, F_ID) !== id) c++;
		if (c === ncomp) return fail(E_CORRUPT, 5);
		for (let j = 0; j < i; j++) if (<i32>load<u8>(scanComp + <usize>j) === c) return fail(E_CORRUPT, 5);
		store<u8>(scanComp + <usize>i, <u8>c);
		const td = t >> 4;
		const ta = t & 15;
		if (td > 3 || ta > 3) return fail(E_CORRUPT, 5);
		cset(c, F_TD, td);
		cset(c, F_TA, ta);
	}
	ss = nextByte();
	se = nextByte();
	const a = nextByte();
	if (a < 0) return fail(E_TRUNCATED, 30);
	ah = a >> 4;
	al = a & 15;
	if (progressive) {
		if (ss > se || se > 63 || (ss === 0 && se !== 0) || (ss > 0 && ns !== 1) || ah > 13 || al > 13) {
			return fail(E_CORRUPT, 9);
		}
	} else if (ss !== 0 || se !== 63 || ah !== 0 || al !== 0) return fail(E_CORRUPT, 5);
	// Every table the scan will use must exist before its data.
	for (let i = 0; i < ns; i++) {
		const c = <i32>load<u8>(scanComp + <usize>i);
		if ((tablesDefined & (256 << cget(c, F_TQ))) === 0) return fail(E_CORRUPT, 7);
		const needDc = ss === 0 && ah === 0;
		const needAc = se > 0;
		if (needDc && (tablesDefined & (1 << cget(c, F_TD))) === 0) return fail(E_CORRUPT, 7);
		if (needAc && (tablesDefined & (16 << cget(c, F_TA))) === 0) return fail(E_CORRUPT, 7);
	}
	return 1;
}

function readAdobe(n: i32): i32 {
	if (n >= 12) {
		const first = nextByte();
		let sig = 0;
		for (let i = 0; i < 4; i++) sig = (sig << 8) | (nextByte() & 0xff);
		for (let i = 0; i < 6; i++) nextByte();
		const t = nextByte();
		if (t < 0) return fail(E_TRUNCATED, 30);
		// "Adobe": the first letter apart, the rest as one i32.
		if (first === 0x41 && sig === 0x646f6265 && !frameSeen) adobe = t;
		return skipBytes(n - 12) ? 0 : fail(E_TRUNCATED, 30);
	}
	return skipBytes(n) ? 0 : fail(E_TRUNCATED, 30);
}
