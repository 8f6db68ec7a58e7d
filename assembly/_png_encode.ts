// PNG encoding in the kernel: the host copies strips of RGBA rows in and
// `encStrip` writes them filtered (libpng's heuristic) for the host's deflate.
// Two rows of the written channels are kept, the one above and the current.

import { arenaBase, ensure, resetArena, take, used } from "./_arena";
import { filterRow, PAD, SLACK } from "./_png_unfilter";

let encW: i32 = 0;
let encCh: usize = 4;
let encIn: usize = 0;
let encOut: usize = 0;
let encCur: usize = 0;
let encPrev: usize = 0;

function layoutEncode(w: i32, ch: i32, rows: i32): usize {
	resetArena();
	encW = w;
	encCh = <usize>ch;
	const n = <usize>w * <usize>ch;
	encIn = take((((<usize>w) << 2) + SLACK) * <usize>rows);
	encCur = take(PAD + n + SLACK) + PAD;
	encPrev = take(PAD + n + SLACK) + PAD;
	encOut = take((n + 1) * <usize>rows + SLACK);
	return used();
}

// Strips whose byte counts stay well inside 32-bit arithmetic (2^24 pixels of 4 bytes).
function shapeOk(w: i32, rows: i32): bool {
	return w >= 1 && w <= 0x1000000 && rows >= 1 && <u64>w * <u64>rows <= 0x1000000;
}

/** Total linear memory an encode of rows `w` wide, `rows` a strip, needs. */
export function encodeBytes(w: i32, ch: i32, rows: i32): f64 {
	if (!shapeOk(w, rows)) return 1e12;
	return <f64>(arenaBase() + layoutEncode(w, ch, rows));
}

/** Lays out one encode (ch 3 or 4 channels written) and returns the RGBA strip
 * input (`rows` rows of w*4 bytes), or 0 when memory cannot hold it. */
export function encSetup(w: i32, ch: i32, rows: i32): usize {
	if (!shapeOk(w, rows)) return 0;
	if (!ensure(layoutEncode(w, ch, rows))) return 0;
	const n = <usize>w * <usize>ch;
	memory.fill(encPrev - PAD, 0, PAD + n + SLACK);
	memory.fill(encCur - PAD, 0, PAD + n + SLACK);
	return encIn;
}

/** Where encStrip writes the filtered rows. */
export function encOutput(): usize {
	return encOut;
}

/** Filters `rows` RGBA rows from the strip input; returns the bytes written at encOutput(). */
export function encStrip(rows: i32): i32 {
	const n = <usize>encW * encCh;
	const inStride = (<usize>encW) << 2;
	let o = encOut;
	for (let r = 0; r < rows; r++) {
		const src = encIn + <usize>r * inStride;
		if (encCh === 4) {
			memory.copy(encCur, src, n);
		} else {
			const shuf = i8x16(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -128, -128, -128, -128);
			for (let i = 0; i < encW; i += 4) {
				v128.store(encCur + <usize>i * 3, i8x16.swizzle(v128.load(src + ((<usize>i) << 2)), shuf));
			}
			// The last block may have written past the row: keep the slack zero.
			v128.store(encCur + n, i32x4.splat(0));
		}
		o += filterRow(encCur, encPrev, n, encCh, o);
		const t = encCur;
		encCur = encPrev;
		encPrev = t;
	}
	return <i32>(o - encOut);
}
