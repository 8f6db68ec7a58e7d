// Entry of the JPEG decoder kernel. The host makes a fresh instance per
// decode, calls `reserve` with the planned heap (one memory.grow), then
// `decode(d, outW, outH)`: the kernel pulls the file through env.refill,
// decodes at 1/d in the DCT domain, and pushes RGBA rows of the scaled image
// into the area resampler, whose finished rows leave through env.emitRow.
// Baseline data streams MCU row by MCU row (_jpeg_baseline.ts); progressive
// and multi-scan files go through a coefficient store first
// (_jpeg_progressive.ts), then through the same ring of MCU rows
// (_jpeg_planes.ts). A store too large for the budget is filled in passes:
// each reads the file's markers again from the start and decodes one band of
// MCU rows of every scan, resuming each where the previous pass stopped
// (env.seek), then outputs the band's rows in order.

import { areaBytes, areaSetup } from "./_area";
import { ensure, resetArena, take, used } from "./_arena";
import { bitsInit, WINDOW_BYTES } from "./_jpeg_bits";
import { cget, E_CORRUPT, E_MEMORY, errCode, errWhat, F_BPL, F_BROWS, fail } from "./_jpeg_frame";
import { IDCT_BYTES, idctInit } from "./_jpeg_idct";
import { markersBytes, markersInit, markersRestart, ncomp, ns, progressive, readMarkers } from "./_jpeg_markers";
import {
	colorSpace,
	emitRows,
	layout,
	MAX_SCANS,
	mcusX,
	mcusY,
	passRows,
	passStart,
	planesInit,
	scanStates,
	setColorSpace,
	sh,
	storeRowToPlanes,
	sw,
} from "./_jpeg_planes";
import { SCAN_STATE_BYTES } from "./_jpeg_progressive";
import { baselineRow, baselineStart, scanBlocks, scanDecode, scanSkipped } from "./_jpeg_scans";
import { seek } from "./host/env";

export function heapBase(): usize {
	return __heap_base;
}

/** Grows memory once to `total` bytes; 0 if the module's maximum is lower. */
export function reserve(total: f64): i32 {
	const have = <f64>memory.size() * 65536;
	if (total <= have) return 1;
	return memory.grow(<i32>Math.ceil((total - have) / 65536)) >= 0 ? 1 : 0;
}

export function errorCode(): i32 {
	return errCode;
}

export function errorWhat(): i32 {
	return errWhat;
}

/** Arena bytes the decode laid out (for checking the host's estimate). */
export function usedBytes(): f64 {
	return <f64>used();
}

function failed(code: i32, what: i32): i32 {
	fail(code, what);
	return errCode;
}

// The decode in steps, so the host can pull rows as it needs them (a row
// source) instead of taking the whole output in one call: `begin` reads the
// markers and lays out the decode, each `step` decodes one MCU row (or, for a
// stored file, first a band's scans) and pushes whatever rows it finishes.
let stepStreaming = false;
let stepD = 1;
let stepRow = 0; // next MCU row to decode (streaming) or to output (stored)
let bandEnd = 0; // stored files: end of the band whose scans are decoded
let stepWin: usize = 0;
let stepDone = false;

/** Lays out a decode at 1/d to outW x outH, a stored one in `passes` (1-8)
 * bands; 0 on success, else the error class. Then `step` until it says done. */
export function begin(d: i32, outW: i32, outH: i32, passes: i32): i32 {
	resetArena();
	stepDone = false;
	const win = take(<usize>WINDOW_BYTES);
	const marks = take(markersBytes());
	const idct = take(IDCT_BYTES);
	planesInit();
	if (!ensure(used())) return failed(E_MEMORY, 40);
	bitsInit(win);
	markersInit(marks);
	idctInit(idct);
	const r = readMarkers();
	if (r !== 1) return r === 2 ? failed(E_CORRUPT, 5) : errCode;
	setColorSpace(colorSpace());
	const streaming = !progressive && ns === ncomp;
	const p = streaming ? 1 : min(max(passes, 1), 8);
	stepD = d === 2 || d === 4 || d === 8 ? d : 1;
	if (!layout(!streaming, stepD, p)) return failed(E_MEMORY, 40);
	const ow = min(max(outW, 1), sw);
	const oh = min(max(outH, 1), sh);
	if (!ensure(used() + areaBytes(sw, ow))) return failed(E_MEMORY, 40);
	areaSetup(sw, sh, ow, oh, true);
	stepStreaming = streaming;
	stepWin = win;
	stepRow = 0;
	bandEnd = 0;
	if (streaming) baselineStart();
	return 0;
}

/** One step of the decode: 1 while there is more, 0 once the last row is
 * out, -1 on an error (errorCode says which). */
export function step(): i32 {
	if (stepDone) return 0;
	if (stepStreaming) {
		if (baselineRow(stepRow, mcusX, mcusY) < 0) return -1;
		stepRow++;
		if (stepRow < mcusY) return 1;
		stepDone = true;
		return 0;
	}
	if (stepRow === bandEnd) {
		// The next band: its scans into the store (from the second band on,
		// the file's markers again from its start).
		if (stepRow > 0) {
			seek(0);
			bitsInit(stepWin);
			markersRestart();
			if (readMarkers() !== 1) {
				if (errCode === 0) fail(E_CORRUPT, 5);
				return -1;
			}
		}
		bandEnd = min(stepRow + passRows, mcusY);
		passStart(stepRow);
		return scanPass(stepRow, bandEnd) < 0 ? -1 : 1;
	}
	storeRowToPlanes(stepRow);
	if (stepRow > 0) emitRows(stepRow - 1);
	stepRow++;
	if (stepRow < mcusY) return 1;
	emitRows(mcusY - 1);
	stepDone = true;
	return 0;
}

/** Decodes the whole file, a stored one in `passes` (1-8) bands of MCU rows;
 * 0 on success, else the error class (errorWhat says more). */
export function decode(d: i32, outW: i32, outH: i32, passes: i32): i32 {
	const b = begin(d, outW, outH, passes);
	if (b !== 0) return b;
	let s = 1;
	while (s > 0) s = step();
	return s < 0 ? errCode : 0;
}

/** Decodes every scan into the store for MCU rows [r0, r1); `step` then
 * outputs them (each row one row late: the next is the upsamplers' context). */
function scanPass(r0: i32, r1: i32): i32 {
	// A hostile file can repeat cheap scans over a large frame: the scans may
	// visit at most 64 times the frame's blocks in all (a progressive file
	// from libjpeg or MozJPEG visits about 10 times). A scan that is not
	// parsed costs only its bytes.
	let frameBlocks = 0.0;
	for (let c = 0; c < ncomp; c++) frameBlocks += <f64>cget(c, F_BPL) * <f64>cget(c, F_BROWS);
	let visits = 0.0;
	let scans = 0;
	for (;;) {
		let state: usize = 0;
		if (!scanSkipped()) {
			visits += scanBlocks(mcusX, mcusY);
			if (scanStates !== 0) {
				if (scans >= MAX_SCANS) return fail(E_CORRUPT, 10);
				state = scanStates + <usize>scans * SCAN_STATE_BYTES;
			}
			scans++;
		}
		if (visits > 64 * frameBlocks) return fail(E_CORRUPT, 10);
		if (scanDecode(mcusX, mcusY, r0, r1, state) < 0) return -1;
		const r = readMarkers();
		if (r === 2) break;
		if (r !== 1) return -1;
	}
	return 0;
}
