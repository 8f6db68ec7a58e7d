import { Admission, type Operation } from "./admission";

export interface AdmissionEnv {
	MEMORY_BUDGET_BYTES?: string;
	OCR_CONCURRENCY?: string;
	FILTER_CONCURRENCY?: string;
	QUEUE_LIMIT?: string;
	QUEUE_WAIT_MS?: string;
}

export const ADMISSION_DEFAULTS = {
	budgetBytes: 100 * 1024 * 1024,
	caps: { ocr: 1, filter: 2 } as Record<Operation, number>,
	queueLimit: 16,
	maxWaitMs: 30_000,
};

const num = (v: string | undefined, fallback: number) => {
	const n = Number(v);
	return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
};

let shared: Admission | null = null;

/** The isolate's admission controller, configured from the environment on first use. */
export function admission(env: AdmissionEnv | undefined): Admission {
	shared ??= new Admission({
		budgetBytes: num(env?.MEMORY_BUDGET_BYTES, ADMISSION_DEFAULTS.budgetBytes),
		caps: {
			ocr: num(env?.OCR_CONCURRENCY, ADMISSION_DEFAULTS.caps.ocr),
			filter: num(env?.FILTER_CONCURRENCY, ADMISSION_DEFAULTS.caps.filter),
		},
		queueLimit: num(env?.QUEUE_LIMIT, ADMISSION_DEFAULTS.queueLimit),
		maxWaitMs: num(env?.QUEUE_WAIT_MS, ADMISSION_DEFAULTS.maxWaitMs),
	});
	return shared;
}

/**
 * Peak bytes an image request holds, from the header alone. Decoding holds
 * the codec's copy and ours of the full image at once (8 bytes a pixel);
 * after that the full image (4) until the downscale, then the preview's own
 * working set. The larger of the two phases is the reservation.
 */
export function estimateWorkingSet(width: number, height: number, previewBytes: number): number {
	const full = width * height;
	return Math.max(8 * full, 4 * full + previewBytes);
}

/** Size after downscaling a width x height image so its longer side fits maxSide (as the intake does). */
export function previewSize(width: number, height: number, maxSide: number): { width: number; height: number } {
	const r = Math.min(1, maxSide / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * r)), height: Math.max(1, Math.round(height * r)) };
}
