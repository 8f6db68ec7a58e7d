import { describe, expect, it } from "vitest";
import { AppError } from "../src/lib/errors";
import { Admission } from "../src/models/admission";
import { estimateWorkingSet, previewSize } from "../src/models/limits";

const MB = 1024 * 1024;
const make = (over: Partial<ConstructorParameters<typeof Admission>[0]> = {}) =>
	new Admission({ budgetBytes: 100 * MB, caps: { ocr: 1, filter: 2 }, queueLimit: 2, maxWaitMs: 200, ...over });

describe("admission", () => {
	it("holds a request past its operation's cap until a slot frees", async () => {
		const a = make();
		const first = await a.acquire("ocr", MB);
		let admitted = false;
		const second = a.acquire("ocr", MB).then((t) => {
			admitted = true;
			return t;
		});
		await new Promise((r) => setTimeout(r, 20));
		expect(admitted).toBe(false);
		expect(a.stats().queued.ocr).toBe(1);
		// A filter is not held up by the OCR queue.
		const filter = await a.acquire("filter", MB);
		first.release();
		(await second).release();
		filter.release();
		expect(a.stats()).toMatchObject({ reserved_bytes: 0, in_flight: { ocr: 0, filter: 0 } });
	});

	it("queues by memory and refuses with 503 past the queue", async () => {
		const a = make();
		const big = await a.acquire("filter", 90 * MB);
		const waiting = a.acquire("filter", 20 * MB);
		const waiting2 = a.acquire("filter", 20 * MB);
		const refused = await a.acquire("filter", 20 * MB).catch((e: AppError) => e);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).status).toBe(503);
		expect((refused as { retryAfter?: number }).retryAfter).toBeGreaterThanOrEqual(1);
		big.release();
		(await waiting).release();
		(await waiting2).release();
		expect(a.stats().reserved_bytes).toBe(0);
		expect(a.stats().peak_reserved_bytes).toBe(90 * MB);
	});

	it("gives a 503 when the wait runs out, and 413 for what can never fit", async () => {
		const a = make({ maxWaitMs: 30 });
		const held = await a.acquire("ocr", MB);
		const late = await a.acquire("ocr", MB).catch((e: AppError) => e);
		expect((late as AppError).code).toBe("overloaded");
		held.release();
		await expect(a.acquire("filter", 101 * MB)).rejects.toThrow(/budget/);
		expect(a.stats().in_flight.ocr).toBe(0);
	});

	it("estimates a 12 MP styled preview within the default budget", () => {
		const preview = previewSize(4000, 3000, 1024);
		expect(preview).toEqual({ width: 1024, height: 768 });
		const bytes = estimateWorkingSet(4000, 3000, preview.width * preview.height * 40);
		expect(bytes).toBe(8 * 12_000_000);
		expect(bytes).toBeLessThan(100 * MB);
	});
});
