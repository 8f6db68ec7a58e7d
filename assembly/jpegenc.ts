// Entry of the baseline JPEG encoder kernel (one fresh instance per encode,
// see src/codecs/jpeg/encode.ts). The host lays out an encode with `setup`,
// then feeds the image 16 rows at a time into the strip input:
// `strip(rows, 0)` converts, subsamples and transforms the strip, counts its
// Huffman symbols and keeps them in the symbol buffer (_jpegenc_symbols.ts)
// while it has room; `tables()` makes the optimal tables and writes the
// headers; then `replay()` codes each strip kept. Finished bytes leave
// through env.emitBytes from a 64 KiB buffer, so the file is never held here.
//
// Two ways past a full symbol buffer. The re-feeding encode (cap 0) has the
// host feed the strips not kept again for `strip(rows, 1)` to transform and
// code anew; with Annex K tables and no trellis its scan data is byte for
// byte what libjpeg-turbo's `cjpeg -dct int -optimize -sample 2x2,1x1,1x1
// -baseline` writes (test/jpeg-encode.test.ts). A sink's encode (cap > 0)
// sees each strip once: when the buffer fills it makes the tables from the
// counts so far and codes the rest as it comes (goDirect). The trellis
// (_jpegenc_trellis.ts) needs the second: its choices depend on the counts,
// so a strip transformed again could choose a symbol the tables lack.

import { arenaBase, ensure, resetArena, take, used } from "./_arena";
import { convertStrip, downsample } from "./_jpegenc_color";
import { fdct, fdctQuant, setQuality } from "./_jpegenc_fdct";
import { writeEnd, writeHeaders } from "./_jpegenc_headers";
import { FREQ, flushOut, OUT_BYTES, optimalTable, outInit, padBits } from "./_jpegenc_huff";
import { BLOCK_MAX, countBlock, encodeBlock, replayBlock, storeBlock } from "./_jpegenc_symbols";
import { trellisFixed, trellisQuant, trellisRates, trellisSetup } from "./_jpegenc_trellis";

/** Symbol buffer bytes: 1.5 a pixel, at most 2 MiB; past it strips are
 * transformed twice. The 12 MP test photo at quality 100 fits whole (under
 * 0.2 bytes a pixel); noise at quality 100 takes nearly 4. */
const SYM_MAX: f64 = 2 * 1024 * 1024;

let W: i32 = 0;
let H: i32 = 0;
let stride: i32 = 0; // W rounded up to whole MCUs (16)
let colBlocks: i32 = 0; // luma blocks across that hold image columns
let inBuf: usize = 0;
let yP: usize = 0;
let cbF: usize = 0;
let crF: usize = 0;
let cbS: usize = 0;
let crS: usize = 0;
let blk: usize = 0;
let outBuf: usize = 0;
let dcY: i32 = 0;
let dcCb: i32 = 0;
let dcCr: i32 = 0;
let sym: usize = 0; // symbol buffer
let symEnd: usize = 0;
let symPos: usize = 0; // where the counting pass appends, the coding pass reads
let storing = true;
// Sink mode: the symbol buffer is the encode's only copy of the image, so
// when it fills, the tables are made from the counts so far (every symbol
// given a code), the headers and the stored symbols go out, and the rest is
// coded as it comes ("direct").
let sinkMode = false;
let direct = false;
let stored: i32 = 0; // strips whose symbols are all in the buffer
// The DC predictors where the first strip not stored begins.
let resumeY: i32 = 0;
let resumeCb: i32 = 0;
let resumeCr: i32 = 0;

/** setup flags: MozJPEG's default quantisation table for both components (else Annex K's), and trellis quantisation. */
const FLAG_TABLES = 1;
const FLAG_TRELLIS = 2;
let trellis = false;
/** The trellis's price of a bit, in squared quantiser steps. Measured on the
 * photo fixtures against MozJPEG (bench/jpeg): 0.04-0.07 all put our files
 * within 3 % of MozJPEG's at equal PSNR and below it at most; 0.055 also
 * puts them within 2 % at equal quality. Chroma errors weigh the same per
 * step (giving them more weight, as their pixels are 4 times as many in the
 * picture's PSNR, measured no better). */
const LAMBDA: f64 = 0.055;

/** One block: the DCT and its quantisation, by the trellis when it is on. */
function transform(src: usize, stride: usize, t: usize, out: usize): void {
	if (!trellis) {
		fdctQuant(src, stride, t, out);
		return;
	}
	fdct(src, stride);
	trellisQuant(t, out);
}
let symCap: f64 = 0; // the sink's symbol buffer bytes (0: symBytes)

function symBytes(w: i32, h: i32): usize {
	if (symCap > 0) return <usize>(Math.ceil(symCap / 65536) * 65536);
	const px = <f64>((w + 15) & ~15) * <f64>((h + 15) & ~15);
	return <usize>Math.min(SYM_MAX, Math.ceil((px * 1.5) / 65536) * 65536);
}

function layout(w: i32, h: i32): usize {
	resetArena();
	stride = (w + 15) & ~15;
	const st = <usize>stride;
	inBuf = take(((<usize>w) << 2) * 16);
	yP = take(st * 16);
	cbF = take(st * 16);
	crF = take(st * 16);
	cbS = take(st * 4);
	crS = take(st * 4);
	blk = take(256);
	outBuf = take(OUT_BYTES);
	sym = take(symBytes(w, h));
	symEnd = sym + symBytes(w, h);
	return used();
}

function sizeOk(w: i32, h: i32): bool {
	return w >= 1 && w <= 65535 && h >= 1 && h <= 65535;
}

/** Total linear memory a w x h encode needs (`cap`: a sink's symbol buffer bytes, 0 for the re-feeding encode's). */
export function heapBytes(w: i32, h: i32, cap: f64): f64 {
	if (!sizeOk(w, h)) return 1e12;
	symCap = cap;
	return <f64>(arenaBase() + layout(w, h));
}

/** Lays out a w x h encode at `quality` (1-100); returns the strip input
 * (16 RGBA rows of w*4 bytes), or 0 when memory cannot hold it. `cap` > 0
 * makes it a sink's encode: a symbol buffer of `cap` bytes, and past it the
 * tables from the counts so far (no strip is ever fed twice). */
export function setup(w: i32, h: i32, quality: i32, cap: f64, flags: i32): usize {
	if (!sizeOk(w, h) || quality < 1 || quality > 100) return 0;
	symCap = cap;
	sinkMode = cap > 0;
	direct = false;
	if (!ensure(layout(w, h))) return 0;
	W = w;
	H = h;
	colBlocks = (w + 7) >> 3;
	setQuality(quality, (flags & FLAG_TABLES) !== 0);
	trellis = (flags & FLAG_TRELLIS) !== 0;
	if (trellis) trellisSetup(LAMBDA);
	memory.fill(FREQ, 0, 4 * 257 * 4);
	outInit(outBuf);
	dcY = 0;
	dcCb = 0;
	dcCr = 0;
	symPos = sym;
	storing = true;
	stored = 0;
	return inBuf;
}

/** One strip of `rows` (1-16; below 16 only at the bottom) RGBA rows from the
 * strip input: pass 0 counts its symbols, pass 1 codes them. */
export function strip(rows: i32, pass: i32): void {
	if (trellis && !direct) trellisRates();
	convertStrip(inBuf, W, rows, yP, cbF, crF, stride);
	downsample(cbF, stride, cbS, rows);
	downsample(crF, stride, crS, rows);
	const st = <usize>stride;
	const half = st >> 1;
	const mcus = st >> 4;
	if (direct) pass = 1;
	const keep = pass === 0 && storing;
	const start = symPos;
	if (keep) {
		resumeY = dcY;
		resumeCb = dcCb;
		resumeCr = dcCr;
	}
	for (let m: usize = 0; m < mcus; m++) {
		const y0 = yP + (m << 4);
		let dc1 = 0;
		for (let b: usize = 0; b < 4; b++) {
			const right = (m << 1) + (b & 1) >= <usize>colBlocks;
			const below = b >= 2 && rows <= 8;
			if (right || below) {
				// A block wholly outside the image, as libjpeg makes it
				// (jccoefct.c): no AC, the DC of its left neighbour, or of the
				// MCU's top right block in a row below the image.
				memory.fill(blk, 0, 256);
				store<i32>(blk, below ? dc1 : dcY);
			} else {
				transform(y0 + (b & 1) * 8 + (b >> 1) * 8 * st, st, 0, blk);
			}
			if (b === 1) dc1 = load<i32>(blk);
			dcY = code(pass, blk, dcY, 0, 1);
		}
		transform(cbS + (m << 3), half, 1, blk);
		dcCb = code(pass, blk, dcCb, 2, 3);
		transform(crS + (m << 3), half, 1, blk);
		dcCr = code(pass, blk, dcCr, 2, 3);
		if (pass !== 0 || direct) flushOut(false);
	}
	if (keep && !direct) {
		if (storing) stored++;
		else symPos = start; // this strip's symbols are partly kept: drop them
	}
}

/** Sink mode, the symbol buffer full: tables from the counts so far (every
 * symbol a code: a later strip may need one no earlier strip had), the
 * headers, every stored block coded; from here on blocks are coded as they
 * come. */
function goDirect(): void {
	for (let t: usize = 0; t < 4; t++) {
		const f = FREQ + t * 1028;
		const most = t & 1 ? 256 : 12;
		for (let s = 0; s < most; s++) {
			// DC: size categories 0-11. AC: EOB, ZRL and run/size with size 1-10.
			const ok = (t & 1) === 0 || s === 0 || s === 0xf0 || ((s & 15) >= 1 && (s & 15) <= 10);
			const p = f + ((<usize>s) << 2);
			if (ok && load<i32>(p) === 0) store<i32>(p, 1);
		}
		optimalTable(t);
	}
	writeHeaders(W, H);
	flushOut(true);
	let p = sym;
	let i = 0;
	while (p < symPos) {
		const chroma = i >= 4;
		p = replayBlock(p, chroma ? 2 : 0, chroma ? 3 : 1);
		i++;
		if (i === 6) {
			i = 0;
			flushOut(false);
		}
	}
	flushOut(false);
	direct = true;
	storing = false;
	if (trellis) trellisFixed();
}

/** Whether a sink's encode has gone direct (its headers and stored blocks are out). */
export function isDirect(): i32 {
	return direct ? 1 : 0;
}

/** One block of a strip: counted (and kept while the buffer has room) in
 * pass 0, coded in pass 1; returns its DC. */
function code(pass: i32, blk: usize, lastDc: i32, dc: usize, ac: usize): i32 {
	if (pass !== 0 || direct) return encodeBlock(blk, lastDc, dc, ac);
	if (storing && symPos + BLOCK_MAX <= symEnd) {
		symPos = storeBlock(blk, lastDc, dc, ac, symPos);
		return load<i32>(blk);
	}
	if (sinkMode) {
		goDirect();
		return encodeBlock(blk, lastDc, dc, ac);
	}
	storing = false;
	return countBlock(blk, lastDc, dc, ac);
}

/** Strips kept in the symbol buffer: the coding pass replays these first. */
export function storedStrips(): i32 {
	return stored;
}

/** Codes the next kept strip from the symbol buffer. */
export function replay(): void {
	const mcus = <usize>stride >> 4;
	let p = symPos;
	for (let m: usize = 0; m < mcus; m++) {
		for (let b = 0; b < 4; b++) p = replayBlock(p, 0, 1);
		p = replayBlock(p, 2, 3);
		p = replayBlock(p, 2, 3);
		flushOut(false);
	}
	symPos = p;
}

/** After the counting pass: the optimal tables, the headers, and the DC
 * predictors set for the first strip the coding pass transforms again. */
export function tables(): void {
	for (let t: usize = 0; t < 4; t++) optimalTable(t);
	writeHeaders(W, H);
	flushOut(true);
	// Strips not kept are coded from pixels again, from where the kept ones end.
	dcY = resumeY;
	dcCb = resumeCb;
	dcCr = resumeCr;
	symPos = sym;
}

/** Ends the scan and the file, and emits what is left. */
export function finish(): void {
	padBits();
	writeEnd();
	flushOut(true);
}
