// What both inflaters share: the IDAT payloads cut into write-sized slices,
// the failure that sends decodePng to its careful retry, and a turn of the
// event loop.

/** Compressed bytes per write into the inflater: the most, and the least when the data inflates a lot. */
export const SLICE_MAX = 65536;
export const SLICE_MIN = 1024;

/**
 * Cuts the IDAT payloads, as one stream, into slices of the asked size: views
 * where a payload holds the whole slice, else a copy gathered across payloads
 * (so a file of a million one-byte IDATs is still a few hundred writes).
 */
export function slicer(parts: Uint8Array[]): (size: number) => Uint8Array | null {
	let index = 0;
	let offset = 0;
	return (size) => {
		while (index < parts.length && offset >= parts[index]!.length) {
			index++;
			offset = 0;
		}
		if (index >= parts.length) return null;
		const part = parts[index]!;
		if (part.length - offset >= size || index === parts.length - 1) {
			const view = part.subarray(offset, offset + size);
			offset += view.length;
			return view;
		}
		const gathered = new Uint8Array(size);
		let n = 0;
		while (n < size && index < parts.length) {
			const p = parts[index]!;
			const k = Math.min(size - n, p.length - offset);
			gathered.set(p.subarray(offset, offset + k), n);
			n += k;
			offset += k;
			if (offset >= p.length) {
				index++;
				offset = 0;
			}
		}
		return gathered.subarray(0, n);
	};
}

/**
 * Why the inflater stopped early: at close (the data ran out) or on a write;
 * `bytewiseFrom` is the stream offset from which a retry should write one byte
 * at a time so the output before the failing byte is handed over (-1: none).
 */
export class InflateFailure extends Error {
	constructor(
		readonly atClose: boolean,
		readonly bytewiseFrom: number,
	) {
		super("inflate failed");
	}
}

/** One turn of the event loop (setImmediate where there is one: workerd and Node; a few microseconds). */
const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
export const tick: () => Promise<void> = immediate
	? () => new Promise<void>((resolve) => immediate(resolve))
	: () => new Promise<void>((resolve) => setTimeout(resolve, 0));
