// Kernel memory from geometry alone. Mirrors `layout` in assembly/npr.ts
// (same blocks, same 64-byte alignment), so admission can price a call
// before any kernel instance exists: instantiating one to ask it would take
// memory that admission has not granted yet. test/filters.strips.test.ts
// checks this mirror against the kernel's own `workingSet` export.

import { Kind } from "./kernels";

/** The layout kinds of assembly/npr.ts (Kind in kernels.ts). */
export type LayoutKind = (typeof Kind)[keyof typeof Kind];

const GUARD = 64;
const PAGE = 65536;

/** Linear memory below the arena: the module's static data (Lab, gamma and
 * cube-root tables, oil histograms; about 40 KiB today) with room to spare.
 * The strip test fails if the real data ever outgrows it. */
export const KERNEL_STATIC_BYTES = 64 * 1024;

function planeStride(w: number): number {
	return (w + 3) & ~3;
}

/** Bytes past the arena base that the kernel's `layout(kind, w, h, param)` uses. */
export function layoutBytes(kind: LayoutKind, w: number, h: number, param: number): number {
	let cursor = 0;
	const take = (bytes: number) => {
		cursor = Math.ceil(cursor / 64) * 64 + bytes;
	};
	const px = w * h;
	const S = planeStride(w);
	const plane = S * h * 4;
	take(GUARD + px * 4 + GUARD);
	switch (kind) {
		case Kind.pencil:
			take(px * 4);
			take(Math.max((S + 4) * 4, (h + 1) * 64));
			break;
		case Kind.stylize:
		case Kind.edgeNC:
			take(plane * 3);
			take(Math.max((S + 4) * 4, (h + 1) * 64));
			take(Math.max((S + 8) * 16, (h + 1) * 256));
			break;
		case Kind.edgeRF:
			take(plane * 3);
			take((S + 8) * 16);
			take((S + 8) * 16);
			take(plane);
			take(plane);
			break;
		case Kind.detail:
			take(64 + plane);
			take(plane);
			take(plane);
			take((S + 8) * 16);
			take((S + 8) * 16);
			break;
		case Kind.oil:
			take(px);
			take((param + 1) * w * 4);
			break;
	}
	take(64);
	return cursor;
}

/** Whole wasm memory (64 KiB pages) an instance holds after such a call. */
export function kernelMemoryFor(kind: LayoutKind, w: number, h: number, param: number): number {
	return Math.ceil((KERNEL_STATIC_BYTES + layoutBytes(kind, w, h, param)) / PAGE) * PAGE;
}
