import { TooLargeError, UnprocessableError } from "../lib/errors";
import { isWellFormed, type Pixels } from "../lib/pixels";
import { KernelError } from "./errors";
import { dropKernel, Kind, kernel, kernelMemoryBytes, type NprKernel } from "./kernels";
import { type LayoutKind, layoutBytes } from "./layout";
import { type FilterName, type FilterParams, filterSpec, resolveFilterParams } from "./params";

export interface Plan {
	kind: LayoutKind;
	/** Extra layout input: the oil window half-size. */
	param: number;
	run(k: NprKernel, w: number, h: number, p: FilterParams): void;
}

export function planOf(name: FilterName, p: FilterParams): Plan {
	switch (name) {
		case "sketch":
		case "color_sketch": {
			const color = name === "color_sketch" ? 1 : 0;
			return {
				kind: Kind.pencil,
				param: 0,
				run: (k, w, h) => k.pencil(w, h, p.sigma_s!, p.sigma_r!, p.shade_factor!, color),
			};
		}
		case "watercolor":
			return { kind: Kind.stylize, param: 0, run: (k, w, h) => k.stylize(w, h, p.sigma_s!, p.sigma_r!) };
		case "oil":
			return { kind: Kind.oil, param: p.size!, run: (k, w, h) => k.oil(w, h, p.size!, p.dynRatio!) };
		case "edge_preserving":
			return {
				kind: p.flags === 2 ? Kind.edgeNC : Kind.edgeRF,
				param: 0,
				run: (k, w, h) => k.edge(w, h, p.flags!, p.sigma_s!, p.sigma_r!),
			};
		case "detail_enhance":
			return { kind: Kind.detail, param: 0, run: (k, w, h) => k.detail(w, h, p.sigma_s!, p.sigma_r!) };
	}
}

export function checkPixels(px: Pixels): void {
	if (!isWellFormed(px)) {
		throw new UnprocessableError("invalid_image", "the image has no pixels or a buffer that does not match its size");
	}
}

/** Kernel memory (bytes) the filter needs for a whole w x h image, for
 * admission; computed from the geometry, so no kernel is created to ask. */
export function filterWorkingSetBytes(
	name: string,
	width: number,
	height: number,
	params: Partial<FilterParams> = {},
): number {
	const spec = filterSpec(name);
	const plan = planOf(spec.name, resolveFilterParams(spec.name, params));
	return layoutBytes(plan.kind, width, height, plan.param);
}

/**
 * Runs `plan` once on a w x h RGBA image: `fill` writes the pixels into the
 * kernel's buffer, `take` reads the result from it (both views die with the
 * call: growing memory detaches them). Raises the 413 and 500 of applyFilter.
 */
export function runInKernel<T>(
	name: FilterName,
	plan: Plan,
	p: FilterParams,
	w: number,
	h: number,
	fill: (buf: Uint8Array) => void,
	take: (buf: Uint8Array) => T,
): T {
	const bytes = w * h * 4;
	try {
		const k = kernel();
		const ptr = k.reserve(plan.kind, w, h, plan.param);
		if (ptr === 0) {
			throw new TooLargeError("image_too_large", `a ${w}x${h} image is too large for the ${name} filter`, {
				width: w,
				height: h,
			});
		}
		// Read the buffer only after reserve: growing memory detaches the old one.
		fill(new Uint8Array(k.memory.buffer, ptr, bytes));
		plan.run(k, w, h, p);
		kernelMemoryBytes();
		return take(new Uint8Array(k.memory.buffer, ptr, bytes));
	} catch (err) {
		if (err instanceof WebAssembly.RuntimeError) {
			dropKernel();
			throw new KernelError(name);
		}
		throw err;
	}
}

/** A JS-owned copy of kernel bytes (set is a memcpy, unlike a typed-array constructor). */
export function copyOut(src: Uint8Array): Uint8ClampedArray {
	const out = new Uint8ClampedArray(src.length);
	out.set(src);
	return out;
}

/**
 * Runs one filter on an RGBA image and returns a new RGBA image of the same
 * size. Colour is computed from R, G, B exactly as OpenCV would from the BGR
 * image imread gives; the alpha channel is passed through unchanged.
 * Throws UnprocessableError (422) for bad parameters or pixels, TooLargeError
 * (413) when the kernel's fixed memory cannot hold the image, KernelError
 * (500) if the kernel traps; a trapped kernel is replaced on the next call.
 */
export function applyFilter(name: string, pixels: Pixels, params: Partial<FilterParams> = {}): Pixels {
	const spec = filterSpec(name);
	const full = resolveFilterParams(spec.name, params);
	checkPixels(pixels);
	const { width: w, height: h } = pixels;
	const data = runInKernel(spec.name, planOf(spec.name, full), full, w, h, (buf) => buf.set(pixels.data), copyOut);
	return { data, width: w, height: h };
}

/** Test hook: makes the live kernel trap, through the same recovery path. */
export function trapKernelForTest(): void {
	try {
		kernel().trap();
	} catch (err) {
		if (err instanceof WebAssembly.RuntimeError) {
			dropKernel();
			throw new KernelError("test");
		}
		throw err;
	}
}
