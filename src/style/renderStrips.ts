import { type EncodedImage, MIME_TYPES, openRowSink, openRowSource, rowSinkBytes, rowSourceBytes } from "../codecs";
import {
	filterStrips,
	kernelMemoryBytes,
	READ_ROWS,
	releaseKernel,
	STRIP_BUDGET_BYTES,
	stripWorkingSetBytes,
} from "../filters";
import type { RowSink, RowSource } from "../lib/strips";
import { timed } from "../lib/timing";
import type { RenderPlan, StyleJob } from "./render";

/**
 * Whether a styled image can go through the strip pipeline: its output is
 * the decoded image itself, neither cropped, padded nor enlarged (those need
 * the frame: gravity=auto looks at all of it, enlargement samples across
 * it). Such a request is decoded in rows, filtered in strips and encoded as
 * the strips arrive, so no frame-sized buffer exists at any point when the
 * formats stream (JPEG or PNG in, JPEG or PNG out).
 */
export function stripsServe(plan: RenderPlan): boolean {
	const { fit, decode, enlarge } = plan;
	const { crop, scaled, output } = fit;
	const turned = decode.info.orientation >= 5;
	const decoded = turned ? { width: decode.height, height: decode.width } : decode;
	return (
		!enlarge &&
		!fit.auto &&
		crop.x === 0 &&
		crop.y === 0 &&
		crop.width === scaled.width &&
		crop.height === scaled.height &&
		output.width === crop.width &&
		output.height === crop.height &&
		decoded.width === output.width &&
		decoded.height === output.height
	);
}

/**
 * A kernel heap past this after a render is given back at once: wasm memory
 * never shrinks, so the shared instance would otherwise keep a full-size
 * run's strip layout (up to about 33 MB) for the life of the isolate, where
 * previews need a few MB. Making a new instance costs about a millisecond.
 */
const KEEP_KERNEL_BYTES = 16 * 1024 * 1024;

/** What one strip render aims to hold at most, all three stages together (48 MB). */
export const PIPELINE_BYTES = 48_000_000;

/**
 * Bytes a strip render holds at its peak, the upload and the finished file
 * aside: the row source (decoder, its row queue, the strip it hands out),
 * the filter's strip working set under what the budget leaves it, and the
 * sink (encoder heap and the strip it takes). They are alive together, as
 * the strips flow through all three at once. Returns the strip budget too,
 * which the render must use, so the estimate and the work agree.
 */
export function stripRenderBytes(
	plan: RenderPlan,
	job: StyleJob,
	budgetBytes: number,
): { bytes: number; strip: number } {
	const { width, height } = plan.fit.output;
	const ends = rowSourceBytes(plan.decode, READ_ROWS) + rowSinkBytes(job.out.format, width, height);
	// The whole pipeline aims at PIPELINE_BYTES: the filter gets what the two ends leave of it.
	const strip = Math.max(0, Math.min(STRIP_BUDGET_BYTES, PIPELINE_BYTES - ends, budgetBytes - ends));
	return { bytes: ends + stripWorkingSetBytes(job.name, width, height, job.params, strip), strip };
}

/**
 * decode rows -> filter strips -> encode strips. The three run interleaved,
 * so each stage's time is summed over its calls: the source's reads are
 * "decode", the sink's writes and end "encode", the rest "filter".
 */
export async function renderInStrips(
	bytes: Uint8Array,
	plan: RenderPlan,
	job: StyleJob,
	strip: number,
	stages: Record<string, number>,
): Promise<EncodedImage> {
	const { width, height } = plan.fit.output;
	const { format, quality } = job.out;
	const source = openRowSource(bytes, plan.decode);
	const sink = openRowSink(format, width, height, { quality, alpha: plan.decode.info.hasAlpha });
	const parts: Record<string, number> = {};
	const timedSource: RowSource = {
		width: source.width,
		height: source.height,
		get heldBytes() {
			return source.heldBytes;
		},
		read: (rows) => timed(parts, "decode", () => source.read(rows)),
		close: () => source.close(),
	};
	const timedSink: RowSink = {
		width: sink.width,
		height: sink.height,
		get heldBytes() {
			return sink.heldBytes;
		},
		write: (s) => timed(parts, "encode", () => sink.write(s)),
		end: () => timed(parts, "encode", () => sink.end()),
		abort: () => sink.abort(),
	};
	const started = performance.now();
	let run: Awaited<ReturnType<typeof filterStrips>>;
	try {
		run = await filterStrips(job.name, timedSource, timedSink, job.params, { budget: strip });
	} finally {
		// Any run in flight on the same instance takes a fresh one at its next strip (each call lays out its own).
		if (kernelMemoryBytes() > KEEP_KERNEL_BYTES) releaseKernel();
	}
	const decode = parts.decode ?? 0;
	const encode = parts.encode ?? 0;
	stages.decode = (stages.decode ?? 0) + decode;
	stages.filter = (stages.filter ?? 0) + Math.max(0, performance.now() - started - decode - encode);
	stages.encode = (stages.encode ?? 0) + encode;
	return { bytes: run.output, format, mime: MIME_TYPES[format] };
}
