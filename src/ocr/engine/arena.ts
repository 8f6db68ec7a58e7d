/**
 * Placing one run's tensors before the run. Shapes here depend on the input
 * (detector tiles, line widths), so each run is first walked dry: the same
 * nodes with kernels that do nothing, only to see every block the run will
 * ask for, in order, and when each is let go. The blocks are then laid out
 * in one arena, largest first, each at the lowest offset where no block
 * alive at the same time sits (the "greedy by size" rule of static memory
 * planners), and the real run takes them in the same order.
 *
 * Why: the allocator alone cannot know lifetimes. At the detector's stem a
 * freed input left a hole too small for the next map, which then went on
 * top; over one 448x512 tile wasm memory rose 6 MiB above the largest live
 * set, and wasm memory never shrinks.
 */

/** What a dry run saw: block sizes in allocation order and each one's life on one clock. */
export class Recording {
	readonly sizes: number[] = [];
	readonly start: number[] = [];
	readonly end: number[] = [];
	private clock = 0;

	/** Notes a new block; returns its index in the run's order. */
	alloc(bytes: number): number {
		this.sizes.push(bytes);
		this.start.push(this.clock++);
		this.end.push(Number.POSITIVE_INFINITY);
		return this.sizes.length - 1;
	}

	release(index: number): void {
		this.end[index] = this.clock++;
	}
}

export interface Layout {
	/** Byte offset of each block in the arena, in allocation order. */
	offsets: number[];
	sizes: number[];
	/** Bytes the arena needs. */
	bytes: number;
}

/** Lays out the recorded blocks so that blocks alive at once never overlap. */
export function layOut(rec: Recording): Layout {
	const n = rec.sizes.length;
	const order = Array.from({ length: n }, (_, i) => i).sort(
		(a, b) => (rec.sizes[b] as number) - (rec.sizes[a] as number) || a - b,
	);
	const offsets = new Array<number>(n).fill(0);
	const placed: number[] = [];
	let bytes = 0;
	for (const i of order) {
		const s0 = rec.start[i] as number;
		const e0 = rec.end[i] as number;
		const size = rec.sizes[i] as number;
		// Blocks already placed whose lives overlap this one, lowest offset first.
		const clash = placed
			.filter((j) => (rec.start[j] as number) < e0 && s0 < (rec.end[j] as number))
			.sort((a, b) => (offsets[a] as number) - (offsets[b] as number));
		let at = 0;
		for (const j of clash) {
			if ((offsets[j] as number) - at >= size) break;
			at = Math.max(at, (offsets[j] as number) + (rec.sizes[j] as number));
		}
		offsets[i] = at;
		placed.push(i);
		bytes = Math.max(bytes, at + size);
	}
	return { offsets, sizes: [...rec.sizes], bytes };
}
