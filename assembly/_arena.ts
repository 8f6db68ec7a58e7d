// Kernel memory: one arena above the static data. It grows on demand and is
// kept, so a second call of the same size allocates nothing. Nothing here uses
// the managed heap (`new`), so the stub runtime's allocator never collides.

let base: usize = 0;
let cursor: usize = 0;

/** Where the arena starts: the static data's end, 64-byte aligned (a layout's
 * size plus this is the linear memory it needs). */
export function arenaBase(): usize {
	if (base === 0) base = (__heap_base + 63) & ~(<usize>63);
	return base;
}

/** Grows linear memory so that `bytes` past the arena base are addressable. */
export function ensure(bytes: usize): bool {
	const end = arenaBase() + bytes;
	const have = (<usize>memory.size()) << 16;
	if (end <= have) return true;
	const pages = <i32>((end - have + 0xffff) >> 16);
	return memory.grow(pages) >= 0;
}

/** Restarts the per-call bump allocation at the arena base. */
export function resetArena(): void {
	cursor = arenaBase();
}

/** Carves `bytes` (64-byte aligned) out of the arena; `ensure` must cover it. */
export function take(bytes: usize): usize {
	const p = (cursor + 63) & ~(<usize>63);
	cursor = p + bytes;
	return p;
}

/** Bytes used by the current layout, relative to the arena base. */
export function used(): usize {
	return cursor - arenaBase();
}

/** Guard bytes around the pixel buffer: SIMD loads of a pixel's left neighbour
 * or of a last partial block may touch up to 16 bytes outside it. */
export const GUARD: usize = 64;

/** Padded row length, in floats, of an f32 plane: whole v128 blocks per row. */
export function planeStride(w: i32): i32 {
	return (w + 3) & ~3;
}
