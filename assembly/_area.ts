// Streaming area (box) resampler shared by the decoders. RGBA rows of the
// decoded size go in one at a time (areaPush); each output row leaves through
// the host's emitRow as soon as no later input row can reach it, so the
// resampler holds three output rows of f32 accumulators, never a frame.
//
// Every input pixel's footprint [x*s, (x+1)*s) in output coordinates (s =
// out/in <= 1) is split between the at most two output cells it overlaps, in
// proportion to the overlap; the shares into a cell sum to one in each
// direction, so a cell is the exact area average of what it covers. Colour is
// averaged premultiplied by alpha so hidden colour under transparent pixels
// never bleeds into visible ones; opaque sources skip that work.

import { take } from "./_arena";
import { emitRow } from "./host/env";

let inW: i32 = 0;
let inH: i32 = 0;
let outW: i32 = 0;
let outH: i32 = 0;
let opaque: bool = true;
let passthrough: bool = false;
let scaleY: f64 = 1;
// Per input column: byte offset of its first cell in an accumulator row, and its two shares.
let cellX: usize = 0;
let shareX0: usize = 0;
let shareX1: usize = 0;
// f32x4 per output pixel, one spare cell: the horizontal sum of this input row,
// and the vertical sums of the output row being filled and of the one below.
let rowAcc: usize = 0;
let cur: usize = 0;
let next: usize = 0;
let outRow: usize = 0;
let inY: i32 = 0;
let outY: i32 = 0;

/** Arena bytes areaSetup takes for these widths (alignment slack included). */
export function areaBytes(iw: i32, ow: i32): usize {
	const cells = (<usize>ow + 1) << 4;
	return ((<usize>iw) << 2) * 3 + cells * 3 + ((<usize>ow) << 2) + 64 * 7;
}

/** Starts one resample of an iw x ih source to ow x oh (ow <= iw, oh <= ih). */
export function areaSetup(iw: i32, ih: i32, ow: i32, oh: i32, isOpaque: bool): void {
	inW = iw;
	inH = ih;
	outW = ow;
	outH = oh;
	opaque = isOpaque;
	inY = 0;
	outY = 0;
	passthrough = iw === ow && ih === oh;
	cellX = take((<usize>iw) << 2);
	shareX0 = take((<usize>iw) << 2);
	shareX1 = take((<usize>iw) << 2);
	const cells = (<usize>ow + 1) << 4;
	rowAcc = take(cells);
	cur = take(cells);
	next = take(cells);
	outRow = take((<usize>ow) << 2);
	memory.fill(rowAcc, 0, cells);
	memory.fill(cur, 0, cells);
	memory.fill(next, 0, cells);
	const sx: f64 = <f64>ow / <f64>iw;
	scaleY = <f64>oh / <f64>ih;
	for (let x = 0; x < iw; x++) {
		const start = <f64>x * sx;
		const first = Math.floor(start);
		const w0 = Math.min(start + sx, first + 1) - start;
		const o = (<usize>x) << 2;
		store<i32>(cellX + o, (<i32>first) << 4);
		store<f32>(shareX0 + o, <f32>w0);
		store<f32>(shareX1 + o, <f32>(sx - w0));
	}
}

/** One RGBA u8 row of the source, top to bottom. */
export function areaPush(row: usize): void {
	if (passthrough) {
		emitRow(row, inY++);
		return;
	}
	const keepAlpha = f32x4(1, 1, 1, 0);
	for (let x = 0; x < inW; x++) {
		const o = (<usize>x) << 2;
		const bytes = i32x4.splat(load<i32>(row + o));
		let v = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)));
		if (!opaque) {
			// rgb * a, a itself unchanged: lanes (a, a, a, 1).
			const a = f32x4.splat(f32x4.extract_lane(v, 3));
			v = f32x4.mul(v, f32x4.add(f32x4.mul(a, keepAlpha), f32x4(0, 0, 0, 1)));
		}
		const c = rowAcc + <usize>load<i32>(cellX + o);
		v128.store(c, f32x4.add(v128.load(c), f32x4.mul(v, f32x4.splat(load<f32>(shareX0 + o)))));
		v128.store(c + 16, f32x4.add(v128.load(c + 16), f32x4.mul(v, f32x4.splat(load<f32>(shareX1 + o)))));
	}
	const start = <f64>inY * scaleY;
	const first = Math.floor(start);
	const v0 = <f32>(Math.min(start + scaleY, first + 1) - start);
	const v1 = <f32>scaleY - v0;
	const w0 = f32x4.splat(v0);
	const w1 = f32x4.splat(v1);
	const zero = f32x4.splat(0);
	for (let i = 0; i < outW; i++) {
		const o = (<usize>i) << 4;
		const r = v128.load(rowAcc + o);
		v128.store(cur + o, f32x4.add(v128.load(cur + o), f32x4.mul(r, w0)));
		v128.store(next + o, f32x4.add(v128.load(next + o), f32x4.mul(r, w1)));
		v128.store(rowAcc + o, zero);
	}
	// The spare cell catches the far share of the last column; it belongs to no output pixel.
	v128.store(rowAcc + ((<usize>outW) << 4), zero);
	inY++;
	// Output rows that no later source row reaches are complete.
	const reaches = inY < inH ? <i32>Math.floor(<f64>inY * scaleY) : outH;
	while (outY < reaches && outY < outH) {
		flushRow();
		const t = cur;
		cur = next;
		next = t;
		memory.fill(next, 0, (<usize>outW + 1) << 4);
		outY++;
	}
}

/** Rounds `cur` to bytes (un-premultiplying) and hands the row to the host. */
function flushRow(): void {
	const half = f32x4.splat(0.5);
	for (let i = 0; i < outW; i++) {
		let acc = v128.load(cur + ((<usize>i) << 4));
		if (!opaque) {
			const a = f32x4.extract_lane(acc, 3);
			if (a <= 0) {
				store<u32>(outRow + ((<usize>i) << 2), 0);
				continue;
			}
			acc = f32x4.replace_lane(f32x4.div(acc, f32x4.splat(a)), 3, a);
		}
		const n = i32x4.trunc_sat_f32x4_s(f32x4.add(acc, half));
		const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(n, n), i16x8.splat(0));
		let px = i32x4.extract_lane(b, 0);
		if (opaque) px |= 0xff000000;
		store<i32>(outRow + ((<usize>i) << 2), px);
	}
	emitRow(outRow, outY);
}

/** Output rows emitted so far; equals the output height once every source row is in. */
export function areaRowsOut(): i32 {
	return passthrough ? inY : outY;
}
