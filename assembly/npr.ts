// Entry of the NPR kernel module. The host calls `reserve` (lays out the
// arena for one filter and size, grows memory once if needed, returns the
// RGBA buffer), copies pixels in, calls the filter, reads the same buffer back.
// Filters work in place; alpha bytes are never written.

import { ensure, GUARD, planeStride, resetArena, take, used } from "./_arena";
import { detailEnhance } from "./_detail";
import { ncFilter } from "./_normconv";
import { oilPainting } from "./_oil";
import { pencilSketch } from "./_pencil";
import { edgePreserving, stylizeEdges } from "./_stylize";

export const KIND_PENCIL = 0;
export const KIND_STYLIZE = 1;
export const KIND_EDGE_RF = 2;
export const KIND_EDGE_NC = 3;
export const KIND_DETAIL = 4;
export const KIND_OIL = 5;

let io: usize = 0;
let a: usize = 0;
let b: usize = 0;
let c: usize = 0;
let d: usize = 0;
let e: usize = 0;
let f: usize = 0;

function layout(kind: i32, w: i32, h: i32, param: i32): void {
	resetArena();
	const px = <usize>w * <usize>h;
	const S = <usize>planeStride(w);
	const plane = (S * <usize>h) << 2;
	const H = <usize>h;
	io = take(GUARD + (px << 2) + GUARD) + GUARD;
	a = b = c = d = e = f = 0;
	if (kind === KIND_PENCIL) {
		a = take(px << 2);
		b = take(max((S + 4) << 2, (H + 1) << 6));
	} else if (kind === KIND_STYLIZE || kind === KIND_EDGE_NC) {
		a = take(plane * 3);
		b = take(max((S + 4) << 2, (H + 1) << 6));
		c = take(max((S + 8) << 4, (H + 1) << 8));
	} else if (kind === KIND_EDGE_RF) {
		a = take(plane * 3);
		b = take((S + 8) << 4);
		c = take((S + 8) << 4);
		d = take(plane);
		e = take(plane);
	} else if (kind === KIND_DETAIL) {
		a = take(64 + plane) + 64;
		b = take(plane);
		c = take(plane);
		d = take((S + 8) << 4);
		e = take((S + 8) << 4);
	} else if (kind === KIND_OIL) {
		a = take(px);
		b = take(<usize>(param + 1) * ((<usize>w) << 2));
	}
	f = take(64);
}

/** Bytes of kernel memory (beyond static data) a filter needs at w x h. */
export function workingSet(kind: i32, w: i32, h: i32, param: i32): f64 {
	layout(kind, w, h, param);
	return <f64>used();
}

/** Lays out and grows memory for one call; returns the RGBA buffer, or 0 if
 * the module's maximum memory cannot hold it. */
export function reserve(kind: i32, w: i32, h: i32, param: i32): usize {
	layout(kind, w, h, param);
	return ensure(used()) ? io : 0;
}

export function pencil(w: i32, h: i32, sigmaS: f32, sigmaR: f32, shade: f32, color: i32): void {
	pencilSketch(io, w, h, sigmaS, sigmaR, shade, color !== 0, a, b);
}

export function stylize(w: i32, h: i32, sigmaS: f32, sigmaR: f32): void {
	// cv::stylization: NC smoothing, then edges darkened. Below 2x2 there are
	// no Sobel neighbours and the image comes back as it was.
	if (w < 2 || h < 2) return;
	ncFilter(io, a, w, h, sigmaS, sigmaR, b, c);
	stylizeEdges(io, a, w, h);
}

export function edge(w: i32, h: i32, flags: i32, sigmaS: f32, sigmaR: f32): void {
	edgePreserving(io, a, w, h, flags, sigmaS, sigmaR, b, c, d, e);
}

export function detail(w: i32, h: i32, sigmaS: f32, sigmaR: f32): void {
	detailEnhance(io, w, h, sigmaS, sigmaR, a, b, c, d, e);
}

export function oil(w: i32, h: i32, size: i32, dynRatio: i32): void {
	oilPainting(io, w, h, size, dynRatio, a, b);
}

/** Deliberately traps; lets the host prove a trapped instance is replaced. */
export function trap(): void {
	unreachable();
}
