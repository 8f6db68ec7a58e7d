import { cacheBytes } from "../cache";
import { kernelMemoryBytes } from "../filters";
import { type ConfigEnv, configFrom } from "../lib/config";
import { wasmMemoryBytes } from "../ocr/inference";
import { Admission } from "./admission";
import { reclaim } from "./reclaim";

export { Admission, type Held, type Operation, type Ticket } from "./admission";
export { type AdmittedImage, admitImage, type Reservation } from "./admit";
export { estimateWorkingSet, ocrReservation, renderReservation, styleReservation } from "./reservations";
export { type UploadHold, UploadPool, uploadPool } from "./uploads";

let shared: Admission | null = null;

/**
 * The isolate's admission controller, configured from the configuration on
 * first use. Its held heaps and its reclaim read isolate-wide state only, so
 * whichever request creates it, every later one gets the same behaviour.
 */
export function admission(env: ConfigEnv | undefined): Admission {
	if (shared) return shared;
	const { budgetBytes, caps, queueLimit, maxWaitMs } = configFrom(env).admission;
	shared = new Admission({
		budgetBytes,
		caps: { ...caps },
		queueLimit,
		maxWaitMs,
		held: () => ({ ocr: wasmMemoryBytes(), filter: kernelMemoryBytes(), cache: cacheBytes() }),
		reclaim,
	});
	return shared;
}
