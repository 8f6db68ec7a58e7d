import zlib from "node:zlib";
import { WINDOW } from "./kernel";
import { InflateFailure, SLICE_MAX, slicer, tick } from "./slices";

/** workerd's zlib binding under node:zlib's Inflate (as in Node: a fixed output buffer per call, state in `_writeState`). */
interface ZlibHandle {
	writeSync(
		flush: number,
		input: Uint8Array,
		inOff: number,
		inLen: number,
		out: Uint8Array,
		outOff: number,
		outLen: number,
	): void;
	setErrorHandler(handler: (errno: number, code: string, message: string) => void): void;
	close(): void;
}

/** The binding of a fresh node:zlib Inflate, or null where there is none of this shape (Node, a runtime without nodejs_compat). */
export function zlibHandle(): { handle: ZlibHandle; state: Uint32Array } | null {
	try {
		const z = zlib.createInflate() as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
		const handle = z._handle;
		const state = z._writeState;
		if (
			!handle ||
			typeof handle.writeSync !== "function" ||
			typeof handle.setErrorHandler !== "function" ||
			typeof handle.close !== "function" ||
			!(state instanceof Uint32Array) ||
			state.length < 2
		) {
			return null;
		}
		return { handle: handle as ZlibHandle, state };
	} catch {
		return null;
	}
}

/** Inflated bytes between turns of the event loop (a 12 MP decode is otherwise one 170 ms task). */
const YIELD_EVERY = 1 << 20;

/**
 * The same contract as inflateStream, through node:zlib's binding: each call
 * inflates into one reused WINDOW-sized buffer and reports how much of the
 * input it took, so no more than WINDOW inflated bytes are ever held, however
 * the ratio jumps, and a stream that runs on past the last row costs nothing
 * past the row that completes the image. zlib accepts bytes after its stream's
 * end here (they are left unread), so the only failure is invalid data; the
 * output of the call that meets it is lost, and the failure names the offset
 * that call started at, for the careful retry.
 */
export function inflateNative(
	z: { handle: ZlibHandle; state: Uint32Array },
	idat: Uint8Array[],
	consume: (chunk: Uint8Array) => boolean | Promise<boolean>,
	careful: number,
): Promise<boolean> {
	const { handle, state } = z;
	let failed = false;
	handle.setErrorHandler(() => {
		failed = true;
	});
	const out = new Uint8Array(WINDOW);
	const next = slicer(idat);
	const run = async (): Promise<boolean> => {
		let written = 0;
		let sinceYield = 0;
		for (;;) {
			let size = SLICE_MAX;
			if (careful >= 0) size = written >= careful ? 1 : Math.min(size, careful - written);
			const piece = next(size);
			if (piece === null) return false;
			let inOff = 0;
			let avail = piece.length;
			for (;;) {
				const at = written + inOff;
				try {
					handle.writeSync(zlib.constants.Z_NO_FLUSH, piece, inOff, avail, out, 0, WINDOW);
				} catch {
					failed = true;
				}
				if (failed) throw new InflateFailure(false, at);
				const outLeft = state[0]!;
				const inLeft = state[1]!;
				const have = WINDOW - outLeft;
				inOff += avail - inLeft;
				avail = inLeft;
				if (have > 0 && (await consume(out.subarray(0, have)))) return true;
				sinceYield += have;
				if (sinceYield >= YIELD_EVERY) {
					sinceYield = 0;
					await tick();
				}
				// Room left in the output: zlib wants more input, or its stream has ended.
				if (outLeft > 0) {
					if (inLeft > 0) return false;
					break;
				}
			}
			written += piece.length;
		}
	};
	return run().finally(() => handle.close());
}
