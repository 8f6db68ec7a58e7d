import { cacheBytes, shedCache } from "../cache";
import { type DecodePlan, decodePhaseBytes } from "../codecs";
import { kernelMemoryBytes, releaseKernel } from "../filters";
import { type ConfigEnv, configFrom, type Env } from "../lib/config";
import { wasmMemoryBytes, wasmPeakBytes } from "../ocr/session";
import { Admission, type Operation } from "./admission";
import { modelRegistry } from "./index";

const MB = 1024 * 1024;

/**
 * ORT's heap with the three models loaded, at the end of an OCR request, when
 * no larger peak has been seen yet (measured: 57.6 MiB with the 8-bit
 * recogniser reading one line of at most 3200 columns at a time and 480x480
 * detector tiles; 70.4 MiB with the float recogniser in batches of 1920).
 */
export const OCR_RUNTIME_BYTES = 58 * MB;

/** The OCR runtime's full size as a request must reserve it. */
export function ocrRuntimeBytes(): number {
	return Math.max(OCR_RUNTIME_BYTES, wasmPeakBytes());
}

/**
 * Pixel bytes OCR holds after the decode, for a preview of `previewPixels`
 * and a detector limited to `detPixels`: the preview and its copy composited
 * on white (alpha images only, counted always), the detector's scaled copy
 * and probability map, and a few MB of tiles, crops and line tensors.
 */
export function ocrPhaseBytes(previewPixels: number, detPixels: number): number {
	return 8 * previewPixels + 8 * Math.min(previewPixels, detPixels) + 4 * MB;
}

// Below this the preview would lose small print; such requests get a 413 instead.
const MIN_OCR_SIDE = 960;

/**
 * The longest preview side at which an OCR request fits the budget with the
 * runtime at its full size, the decode planned for it, and the bytes it must
 * reserve: the runtime (resident during the decode too, once loaded) plus the
 * larger of the decode (decoder and preview) and the OCR phase's pixel
 * buffers. `plan` plans the decode for a preview side.
 */
export function ocrReservation(
	plan: (maxSide: number) => DecodePlan,
	detLimitSide: number,
	maxSide: number,
	budgetBytes: number,
): { maxSide: number; bytes: number; plan: DecodePlan } {
	const runtime = ocrRuntimeBytes();
	const need = (p: DecodePlan) =>
		runtime + Math.max(decodePhaseBytes(p), ocrPhaseBytes(p.width * p.height, detLimitSide * detLimitSide));
	let side = maxSide;
	let decode = plan(side);
	while (need(decode) > budgetBytes && side > MIN_OCR_SIDE) {
		side = Math.max(MIN_OCR_SIDE, Math.floor(side * 0.9));
		decode = plan(side);
	}
	return { maxSide: side, bytes: need(decode), plan: decode };
}

let shared: Admission | null = null;

/**
 * Makes room: cached results first, least recently used, as many as the
 * shortfall (losing one costs a recompute if it is asked for again, where a
 * dropped OCR runtime costs every next OCR request a 1.5-1.8 s reload); then
 * the idle runtimes, ORT through the registry (so its state stays true) and
 * the kernels directly.
 */
async function reclaim(env: Env, busy: Record<Operation, boolean>, shortfall: number): Promise<number> {
	let freed = shedCache(shortfall);
	if (freed >= shortfall) return freed;
	if (!busy.ocr && wasmMemoryBytes() > 0) {
		const before = wasmMemoryBytes();
		await modelRegistry(env).unloadIdle();
		freed += before - wasmMemoryBytes();
	}
	if (!busy.filter && kernelMemoryBytes() > 0) {
		freed += kernelMemoryBytes();
		releaseKernel();
	}
	return freed;
}

/** The isolate's admission controller, configured from the configuration on first use. */
export function admission(env: ConfigEnv | undefined): Admission {
	if (shared) return shared;
	const { budgetBytes, caps, queueLimit, maxWaitMs } = configFrom(env).admission;
	shared = new Admission({
		budgetBytes,
		caps: { ...caps },
		queueLimit,
		maxWaitMs,
		held: () => ({
			ocr: wasmMemoryBytes(),
			filter: kernelMemoryBytes(),
			// Every codec instance is dropped when its call ends: nothing is held between requests.
			other: 0,
			cache: cacheBytes(),
		}),
		reclaim: env && "MODELS" in env ? (busy, shortfall) => reclaim(env as Env, busy, shortfall) : undefined,
	});
	return shared;
}

/**
 * Peak bytes an image request holds, from the header alone: the decode phase
 * (the decoder's memory and the preview it writes; src/codecs/plan.ts), or
 * what the request holds after it (`afterBytes`: the preview, its copies and
 * the kernels' working sets), whichever is larger.
 */
export function estimateWorkingSet(plan: DecodePlan, afterBytes: number): number {
	return Math.max(decodePhaseBytes(plan), afterBytes);
}
