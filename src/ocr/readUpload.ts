/**
 * The one way into OCR for an upload: the manifest names the model version
 * (the cache key needs it before anything is decoded), then the upload is
 * decoded to the planned view, the three models are held in use while it is
 * read, and the lines come back in upload coordinates as displayed, each
 * number rounded once, here.
 */
import { type DecodePlan, decodeToFit } from "../codecs";
import type { ManifestEntry } from "../models/registry";
import type { OcrDocument, OcrLine, Point, Quad } from "./document";
import { OCR_MODEL_NAMES, ocrModelSet, ocrModelVersion, type ReadModelFile } from "./models";
import type { OcrOptions } from "./options";
import { recognize } from "./pipeline";

const MODEL_LABEL = "PP-OCRv4 mobile (det, cls 0/180, rec ch) via onnxruntime-web wasm";

/** The model registry as OCR uses it (ModelRegistry in the app). */
export interface OcrModelStore {
	entries(): Promise<ManifestEntry[]>;
	use<T>(names: string[], work: () => Promise<T>): Promise<T>;
}

export interface OcrSource {
	models: OcrModelStore;
	/** Reads a file of models/ (the recogniser's dictionary). */
	readFile: ReadModelFile;
}

/** The upload and the decode admission reserved memory for. */
export interface PlannedUpload {
	bytes: Uint8Array;
	plan: DecodePlan;
}

/** Names the exact model files; from the manifest alone, nothing is loaded. */
export async function ocrVersion(source: OcrSource): Promise<string> {
	return ocrModelVersion(await source.models.entries());
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const toUpload = (q: Quad, back: number): Quad =>
	q.map(([x, y]) => [round(x * back, 1), round(y * back, 1)] as Point) as Quad;

/** Decodes and reads the upload; the answer's boxes are in upload pixels as displayed. */
export async function readUpload(
	source: OcrSource,
	upload: PlannedUpload,
	options: Required<OcrOptions>,
): Promise<OcrDocument> {
	const entries = await source.models.entries();
	const version = ocrModelVersion(entries);
	const t0 = performance.now();
	const image = await decodeToFit(upload.bytes, upload.plan);
	const decode = performance.now() - t0;
	const result = await source.models.use([...OCR_MODEL_NAMES], async () =>
		recognize(image.pixels, options, await ocrModelSet(entries, source.readFile)),
	);
	const back = 1 / image.scale;
	const lines: OcrLine[] = result.lines.map((l) => ({
		text: l.text,
		confidence: round(l.confidence, 4),
		box: toUpload(l.box, back),
		words: l.words.map((w) => ({ text: w.text, confidence: round(w.confidence, 4), box: toUpload(w.box, back) })),
	}));
	const { total, ...stages } = result.timings;
	const timings: Record<string, number> = { decode, ...stages, total: decode + total };
	return {
		text: result.text,
		width: image.original.width,
		height: image.original.height,
		orientation: result.orientation,
		lines,
		model: { name: MODEL_LABEL, version },
		timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, round(v, 1)])),
	};
}
