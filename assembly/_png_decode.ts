// PNG decoding in the kernel: the host inflates IDAT and copies the bytes into
// the input window (`decSetup` returns it), then calls `feed(n)`. Two raw rows
// are kept (the one above and the one filling); each completed row is
// unfiltered, converted to RGBA and pushed into the streaming area resampler,
// whose finished output rows leave through env.emitRow. Adam7 images are
// deinterlaced into a full RGBA frame first (4 bytes a pixel), then pushed row
// by row.

import { areaBytes, areaPush, areaRowsOut, areaSetup } from "./_area";
import { arenaBase, ensure, resetArena, take, used } from "./_arena";
import { bitsPerPixel, convertRow, RGBA } from "./_png_convert";
import { PAD, SLACK, unfilter } from "./_png_unfilter";

/** Bytes the host may copy into the input window per `feed`. */
export const WINDOW: i32 = 65536;

// Adam7 passes: x0, y0, dx, dy.
const P_X0: StaticArray<i32> = [0, 4, 0, 2, 0, 1, 0];
const P_Y0: StaticArray<i32> = [0, 0, 4, 0, 2, 0, 1];
const P_DX: StaticArray<i32> = [8, 8, 4, 4, 2, 2, 1];
const P_DY: StaticArray<i32> = [8, 8, 8, 4, 4, 2, 2];

let W: i32 = 0;
let H: i32 = 0;
let depth: i32 = 8;
let ctype: i32 = 0;
let interlaced: bool = false;
let keyR: i32 = -1;
let keyG: i32 = -1;
let keyB: i32 = -1;
let bpp: usize = 1;
let win: usize = 0;
let pal: usize = 0;
let cur: usize = 0;
let prev: usize = 0;
let rgba: usize = 0;
let frame: usize = 0;
// Current pass (0 when not interlaced) and its geometry.
let pass: i32 = 0;
let passW: i32 = 0;
let passH: i32 = 0;
let passY: i32 = 0;
let rowBytes: usize = 0;
// Bytes of the current row received; -1 while waiting for its filter byte.
let fill: isize = -1;
let filterType: i32 = 0;
let finished: bool = false;

function rawBytes(w: i32): usize {
	return (<usize>w * <usize>bitsPerPixel(ctype, depth) + 7) >> 3;
}

function layoutDecode(w: i32, h: i32, d: i32, ct: i32, il: bool, ow: i32): usize {
	resetArena();
	W = w;
	H = h;
	depth = d;
	ctype = ct;
	interlaced = il;
	const bits = bitsPerPixel(ct, d);
	bpp = bits < 8 ? 1 : <usize>(bits >> 3);
	win = take(<usize>WINDOW);
	pal = take(1024);
	const rb = rawBytes(w);
	cur = take(PAD + rb + SLACK) + PAD;
	prev = take(PAD + rb + SLACK) + PAD;
	rgba = take(((<usize>w) << 2) + SLACK);
	frame = il ? take((<usize>w * <usize>h) << 2) : 0;
	return used() + areaBytes(w, ow);
}

/** Total linear memory (bytes, static data included) a decode of this shape needs. */
export function decodeBytes(w: i32, h: i32, d: i32, ct: i32, il: i32, ow: i32): f64 {
	if (!shapeOk(w, h, ow)) return 1e12;
	const need = layoutDecode(w, h, d, ct, il !== 0, ow);
	return <f64>(arenaBase() + need);
}

// Sizes whose byte counts stay well inside 32-bit arithmetic (a row of 2^24
// 64-bit pixels is 2^27 bytes; a frame of 2^28 pixels is 2^30).
function shapeOk(w: i32, h: i32, ow: i32): bool {
	return w >= 1 && h >= 1 && w <= 0x1000000 && h <= 0x1000000 && ow >= 1 && ow <= w && <u64>w * <u64>h <= 0x10000000;
}

function startPass(): void {
	// Skip the passes an image this small has no pixels in.
	while (pass < 7) {
		if (!interlaced) {
			passW = W;
			passH = H;
		} else {
			const x0 = P_X0[pass];
			const y0 = P_Y0[pass];
			const dx = P_DX[pass];
			const dy = P_DY[pass];
			passW = W > x0 ? (W - x0 + dx - 1) / dx : 0;
			passH = H > y0 ? (H - y0 + dy - 1) / dy : 0;
		}
		if (passW > 0 && passH > 0) break;
		pass++;
	}
	passY = 0;
	rowBytes = rawBytes(passW);
	memory.fill(prev - PAD, 0, PAD + rowBytes + SLACK);
	memory.fill(cur - PAD, 0, PAD);
}

/**
 * Lays out one decode and returns the input window (0 when the module's
 * memory cannot hold it). `ct`/`d` are validated by the host.
 */
export function decSetup(
	w: i32,
	h: i32,
	d: i32,
	ct: i32,
	il: i32,
	ow: i32,
	oh: i32,
	kr: i32,
	kg: i32,
	kb: i32,
	opaque: i32,
): usize {
	if (!shapeOk(w, h, ow) || oh < 1 || oh > h) return 0;
	const need = layoutDecode(w, h, d, ct, il !== 0, ow);
	if (!ensure(need)) return 0;
	keyR = kr;
	keyG = kg;
	keyB = kb;
	areaSetup(w, h, ow, oh, opaque !== 0);
	// Palette entries the file does not define read as opaque black.
	for (let i: usize = 0; i < 256; i++) store<u32>(pal + (i << 2), 0xff000000);
	pass = 0;
	fill = -1;
	finished = false;
	startPass();
	return win;
}

/** The 256-entry RGBA palette table the host fills (after decSetup). */
export function palette(): usize {
	return pal;
}

function finishRow(): void {
	if (filterType !== 0) unfilter(filterType, cur, prev, rowBytes, bpp);
	if (!interlaced) {
		if (ctype === RGBA && depth === 8) {
			areaPush(cur);
		} else {
			convertRow(cur, rgba, W, ctype, depth, pal, keyR, keyG, keyB);
			areaPush(rgba);
		}
	} else {
		convertRow(cur, rgba, passW, ctype, depth, pal, keyR, keyG, keyB);
		const y = P_Y0[pass] + passY * P_DY[pass];
		const dx = (<usize>P_DX[pass]) << 2;
		let d = frame + ((<usize>y * <usize>W + <usize>P_X0[pass]) << 2);
		for (let i = 0; i < passW; i++) {
			store<u32>(d, load<u32>(rgba + ((<usize>i) << 2)));
			d += dx;
		}
	}
	const t = cur;
	cur = prev;
	prev = t;
	passY++;
	if (passY === passH) {
		pass++;
		if (!interlaced || pass >= 7) {
			finished = true;
		} else {
			startPass();
			if (pass >= 7) finished = true;
		}
		if (finished && interlaced) {
			const stride = (<usize>W) << 2;
			for (let y = 0; y < H; y++) areaPush(frame + <usize>y * stride);
		}
	}
}

/**
 * Consumes `n` inflated bytes from the window. Returns the output rows emitted
 * so far, or -1 for a filter type outside 0-4. Bytes after the last row are ignored.
 */
export function feed(n: i32): i32 {
	let p = win;
	const end = win + <usize>n;
	while (p < end && !finished) {
		if (fill < 0) {
			filterType = <i32>load<u8>(p);
			p++;
			if (filterType > 4) return -1;
			fill = 0;
			continue;
		}
		let k = rowBytes - <usize>fill;
		if (k > end - p) k = end - p;
		memory.copy(cur + <usize>fill, p, k);
		p += k;
		fill += <isize>k;
		if (<usize>fill === rowBytes) {
			finishRow();
			fill = -1;
		}
	}
	return areaRowsOut();
}
