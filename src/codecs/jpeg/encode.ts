// The JPEG encoder's faces: a whole frame in (encodeJpeg, either mode) or
// strips as they come (jpegSink), and the memory each takes.
import { isWellFormed, type Pixels } from "../../lib/pixels";
import type { RowSink } from "../../lib/strips";
import { wholePages } from "../meter";
import { Chunks, checkEncode, create, FLAGS, type JpegMode, JS_BYTES, meter, noRoom, STRIP_ROWS } from "./enc-kernel";
import { jpegSinkBytes, StripEncoder } from "./strip-encoder";

export { type JpegMode, jpegEncodeLastBytes, jpegEncodeLiveBytes, jpegEncodePeakBytes } from "./enc-kernel";
export { jpegSinkBytes, jpegSinkSymbolBytes } from "./strip-encoder";

/** Kernel heap (whole pages) plus JS buffers one encode of this size takes, input pixels and output
 * file aside: the sink's layout for "compact", the re-feeding encode's (a symbol buffer of 1.5
 * bytes a pixel up to 2 MiB) for "libjpeg". */
export function jpegEncodeBytes(width: number, height: number, mode: JpegMode = "compact"): number {
	if (mode === "compact") return jpegSinkBytes(width, height);
	const bytes = create(() => {}).heapBytes(width, height, 0);
	return wholePages(bytes) + JS_BYTES;
}

/**
 * Baseline JFIF, 4:2:0, libjpeg's integer colour conversion, downsampling and
 * islow DCT, optimal Huffman tables, quantised as `mode` says (JpegMode);
 * `quality` 1-100. Alpha is ignored. The kernel sees the image 16 rows at a
 * time and keeps their symbols in its symbol buffer for the coding pass;
 * output leaves in 64 KiB pieces, so the kernel holds a few strips and the
 * buffer, never the frame or the file. Past the buffer, "compact" makes its
 * tables from the counts so far (as a sink does: the same bytes as
 * jpegSink's), "libjpeg" feeds the remaining strips again.
 */
export function encodeJpeg(pixels: Pixels, quality: number, mode: JpegMode = "compact"): Uint8Array {
	const { width, height, data } = pixels;
	if (!isWellFormed(pixels)) {
		throw new RangeError(`pixel buffer of ${data.length} bytes is not ${width}x${height} RGBA`);
	}
	checkEncode(width, height, quality);
	const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	if (mode === "compact") {
		const enc = new StripEncoder(width, height, quality, mode);
		enc.write(src, height);
		return enc.end();
	}
	const out = new Chunks();
	let memory: WebAssembly.Memory | undefined;
	const k = create((ptr, len) => out.push(new Uint8Array(memory!.buffer, ptr, len)));
	memory = k.memory;
	meter.start(memory);
	try {
		const input = k.setup(width, height, quality, 0, FLAGS[mode]);
		if (input === 0) throw noRoom(width, height);
		const stride = width * 4;
		// The heap never moves after setup (no growth), so one view serves every strip.
		const heap = new Uint8Array(memory.buffer);
		const feed = (from: number, pass: number) => {
			for (let y = from; y < height; y += STRIP_ROWS) {
				const n = Math.min(STRIP_ROWS, height - y);
				heap.set(src.subarray(y * stride, (y + n) * stride), input);
				k.strip(n, pass);
			}
		};
		feed(0, 0);
		k.tables();
		const kept = k.storedStrips();
		for (let i = 0; i < kept; i++) k.replay();
		feed(kept * STRIP_ROWS, 1);
		k.finish();
	} finally {
		meter.end(memory);
	}
	return out.join();
}

/**
 * A JPEG encode fed strip by strip (any row counts, top to bottom), each
 * strip seen once: the counting pass keeps every block's symbols in the
 * kernel's symbol buffer, and end() makes the optimal tables and codes them
 * from there. Past the buffer (jpegSinkSymbolBytes), tables from the counts
 * so far. In "compact" mode, the same file as encodeJpeg's; in "libjpeg"
 * mode too while the symbols fit.
 */
export function jpegSink(width: number, height: number, quality: number, mode: JpegMode = "compact"): RowSink {
	checkEncode(width, height, quality);
	const enc = new StripEncoder(width, height, quality, mode);
	return {
		width,
		height,
		heldBytes: 0,
		async write(strip: Pixels): Promise<void> {
			if (strip.width !== width || !isWellFormed(strip)) {
				enc.release();
				throw new RangeError(`a strip of ${strip.width}x${strip.height} does not fit a ${width}-wide sink`);
			}
			enc.write(new Uint8Array(strip.data.buffer, strip.data.byteOffset, strip.data.byteLength), strip.height);
		},
		async end(): Promise<Uint8Array> {
			return enc.end();
		},
		abort: () => enc.release(),
	};
}
