import type { FitParams } from "./fit-params";

export interface Size {
	width: number;
	height: number;
}

export interface Rect extends Size {
	x: number;
	y: number;
}

/**
 * What one sized output takes, from the source's display size and the
 * options alone: the size the whole image is resampled to (`scaled`), the
 * part of it kept (`crop`, in scaled coordinates; `auto` when gravity=auto
 * leaves its position to the pixels), and the canvas it lands on (`output`,
 * at `offset`, the rest filled with the background for fit=pad).
 */
export interface FitPlan {
	scaled: Size;
	crop: Rect;
	auto: boolean;
	output: Size;
	offset: { left: number; top: number };
}

const px = (n: number) => Math.max(1, Math.round(n));

/**
 * Cloudflare Images' fit modes. With both w and h: scale-down fits inside and
 * never enlarges; contain fits inside, enlarging if need be; cover fills the
 * box and crops the overflow; crop is cover that never enlarges (so a small
 * image is cropped only where it overflows); pad is contain on a canvas of
 * exactly w x h. With one of them, every mode scales to that side (scale-down
 * and crop still never enlarge). With neither, the box is max_side square,
 * scale-down. An explicit max_side with w or h caps the output's longer side
 * last, scaling the whole result, canvas included.
 */
export function planFit(source: Size, p: FitParams): FitPlan {
	const { width: W, height: H } = source;
	const bw = p.width;
	const bh = p.height;
	let s: number;
	let canvas: Size | null = null;
	let cropping = false;
	if (bw === undefined && bh === undefined) {
		const m = p.maxSide!;
		s = Math.min(1, m / W, m / H);
	} else if (bw === undefined || bh === undefined) {
		s = bw !== undefined ? bw / W : bh! / H;
		if (p.fit === "scale-down" || p.fit === "crop") s = Math.min(1, s);
	} else if (p.fit === "scale-down" || p.fit === "contain") {
		s = Math.min(bw / W, bh / H);
		if (p.fit === "scale-down") s = Math.min(1, s);
	} else if (p.fit === "pad") {
		s = Math.min(bw / W, bh / H);
		canvas = { width: bw, height: bh };
	} else {
		s = Math.max(bw / W, bh / H);
		if (p.fit === "crop") s = Math.min(1, s);
		canvas = { width: Math.min(bw, px(W * s)), height: Math.min(bh, px(H * s)) };
		cropping = true;
	}
	let scaled = { width: px(W * s), height: px(H * s) };
	let output = canvas ?? scaled;
	const cap = bw === undefined && bh === undefined ? undefined : p.maxSide;
	if (cap !== undefined && Math.max(output.width, output.height) > cap) {
		const k = cap / Math.max(output.width, output.height);
		s *= k;
		scaled = { width: px(W * s), height: px(H * s) };
		output = canvas ? { width: px(output.width * k), height: px(output.height * k) } : scaled;
		if (cropping)
			output = { width: Math.min(output.width, scaled.width), height: Math.min(output.height, scaled.height) };
		// Rounding the canvas and the image separately must never leave the image wider than its pad.
		else if (canvas)
			scaled = { width: Math.min(output.width, scaled.width), height: Math.min(output.height, scaled.height) };
	}
	if (cropping) {
		const { x, y } = p.gravity === "auto" ? { x: 0.5, y: 0.5 } : p.gravity;
		const crop = {
			x: offsetFor(x, scaled.width, output.width),
			y: offsetFor(y, scaled.height, output.height),
			...output,
		};
		return { scaled, crop, auto: p.gravity === "auto", output, offset: { left: 0, top: 0 } };
	}
	const crop = { x: 0, y: 0, ...scaled };
	const offset = {
		left: Math.floor((output.width - scaled.width) / 2),
		top: Math.floor((output.height - scaled.height) / 2),
	};
	return { scaled, crop, auto: false, output, offset };
}

/**
 * The largest output the options allow whatever the image, for choices made
 * before its header is known (a source not yet fetched); null when one side
 * is unbounded (only w or only h, and no max_side).
 */
export function fitBound(p: FitParams): Size | null {
	const cap = p.maxSide;
	if (p.width === undefined || p.height === undefined) {
		if (p.width === undefined && p.height === undefined) return { width: cap!, height: cap! };
		return cap === undefined ? null : { width: cap, height: cap };
	}
	const k = cap === undefined ? 1 : Math.min(1, cap / Math.max(p.width, p.height));
	return { width: px(p.width * k), height: px(p.height * k) };
}

/**
 * Where a window of `size` starts inside `extent` so it is centred on the
 * focal fraction `f`, kept inside the image: 0 keeps the start edge, 1 the
 * end edge, 0.5 the centre.
 */
export function offsetFor(f: number, extent: number, size: number): number {
	return Math.min(Math.max(0, Math.round(f * extent - size / 2)), extent - size);
}
