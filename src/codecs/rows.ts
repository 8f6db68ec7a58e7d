import { applyOrientation } from "../lib/orient";
import type { Pixels } from "../lib/pixels";
import type { RowSource } from "../lib/strips";
import { READERS } from "./formats";
import { decodePlanned } from "./load";
import type { DecodePlan } from "./plan";

/**
 * Rows a decoder may finish past the strip asked for, before the reader
 * takes them: a JPEG MCU row (at most 32 rows, 4x vertical sampling at full
 * scale), or the rows one 64 KiB window of a PNG's inflated data completes.
 */
function burstRows(plan: DecodePlan): number {
	if (plan.info.format !== "png") return 32;
	const channels = plan.info.colorType === 6 ? 4 : plan.info.colorType === 2 ? 3 : plan.info.colorType === 4 ? 2 : 1;
	const rawRow = Math.ceil((plan.info.width * channels * (plan.info.bitDepth ?? 8)) / 8) + 1;
	const full = Math.ceil(65536 / rawRow) + 1;
	// Area resampling finishes an output row per height/outH input rows.
	return Math.ceil((full * plan.height) / plan.info.height) + 1;
}

/** Whether the plan's rows can be streamed in display order (a streaming decoder, not decoding whole, and no rotation or flip to apply). */
export function streamsRows(plan: DecodePlan): boolean {
	return !plan.wholeFrame && plan.info.orientation <= 1 && READERS[plan.info.format].rows !== undefined;
}

/**
 * Bytes a row source of this plan holds at most while strips of `rows` rows
 * are read, besides the upload: the decoder's own (plan.decoderBytes), its
 * queue of finished rows (the strip plus one burst, grown 16 rows at a
 * time) and the strip handed out; when the rows cannot stream, the whole
 * output frame too (and its oriented copy).
 */
export function rowSourceBytes(plan: DecodePlan, rows: number): number {
	const rowBytes = plan.width * 4;
	if (!streamsRows(plan)) return plan.decoderBytes + 2 * plan.width * plan.height * 4 + rows * rowBytes;
	return plan.decoderBytes + (rows + burstRows(plan) + 16) * rowBytes + rows * rowBytes;
}

/**
 * The rows of a planned decode, top to bottom in display orientation, a
 * strip at a time. JPEG and non-interlaced PNG in orientation 1 stream:
 * nothing frame-sized is made. WebP and Adam7 PNG (decoded whole anyway),
 * and any upload whose EXIF orientation turns or flips the frame, are
 * decoded whole, oriented, and handed out in strips of that frame.
 */
export function openRowSource(bytes: Uint8Array, plan: DecodePlan): RowSource {
	const rows = READERS[plan.info.format].rows;
	if (rows && streamsRows(plan)) return rows(bytes, plan);
	return wholeFrameSource(bytes, plan);
}

function wholeFrameSource(bytes: Uint8Array, plan: DecodePlan): RowSource {
	let frame: Pixels | null = null;
	let y = 0;
	let closed = false;
	let done = false;
	const oriented = (): Promise<Pixels> =>
		decodePlanned(bytes, plan).then((p) => applyOrientation(p, plan.info.orientation));
	const turned = plan.info.orientation >= 5;
	return {
		width: turned ? plan.height : plan.width,
		height: turned ? plan.width : plan.height,
		async read(rows: number): Promise<Pixels | null> {
			if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`cannot read ${rows} rows`);
			if (done) return null;
			if (closed) throw new RangeError("the row source is closed");
			frame ??= await oriented();
			if (y >= frame.height) {
				frame = null;
				done = true;
				return null;
			}
			const n = Math.min(rows, frame.height - y);
			const rowBytes = frame.width * 4;
			const data = frame.data.slice(y * rowBytes, (y + n) * rowBytes);
			y += n;
			return { data, width: frame.width, height: n };
		},
		close(): void {
			frame = null;
			closed = true;
		},
		get heldBytes() {
			return plan.width * plan.height * 4;
		},
	};
}
