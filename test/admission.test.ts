import { describe, expect, it } from "vitest";
import { type DecodePlan, decodePhaseBytes, fitSize, planDecode, probeImage } from "../src/codecs";
import { AppError } from "../src/lib/errors";
import { estimateWorkingSet } from "../src/memory";
import { Admission } from "../src/memory/admission";
import { ocrReservation } from "../src/memory/reservations";
import { ocrRuntimeBytes } from "../src/ocr/memory";
import { jpegHeaderClaiming } from "./helpers/hostile";

const MB = 1024 * 1024;

/** A JPEG header of width x height, 4:2:0 as cameras write it, baseline or progressive. */
function jpegHeader(width: number, height: number, progressive: boolean): Uint8Array {
	const bytes = jpegHeaderClaiming(width, height);
	if (progressive) bytes[3] = 0xc2; // SOF2
	bytes[13] = 0x22; // luma sampled 2x2, chroma 1x1
	return bytes;
}
const planOf = (width: number, height: number, progressive: boolean, maxSide: number): DecodePlan => {
	const bytes = jpegHeader(width, height, progressive);
	return planDecode(bytes, probeImage(bytes), maxSide);
};
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

	it("plans a camera JPEG's preview from the header: a DCT scale and a decode of a few MB, whatever its size", () => {
		const preview = fitSize(4000, 3000, 1024);
		expect(preview).toEqual({ width: 1024, height: 768 });
		for (const [w, h] of [
			[4000, 3000],
			[8000, 6000],
			[12000, 8400],
		] as const) {
			const plan = planOf(w, h, false, 1024);
			expect(plan.width).toBe(1024);
			// The largest 1/d whose decode still covers the preview: 1/2 for 12 MP, 1/4 for 48, 1/8 for 100.
			expect(Math.ceil(w / plan.denom)).toBeGreaterThanOrEqual(1024);
			expect(Math.ceil(w / (2 * plan.denom)) < 1024 || plan.denom === 8).toBe(true);
			// A baseline scan streams MCU row by MCU row: the decoder's memory is rows, not the frame.
			expect(plan.decoderBytes).toBeLessThanOrEqual(16 * MB);
			expect(estimateWorkingSet(plan, 0)).toBe(plan.decoderBytes + 4 * 1024 * plan.height);
			expect(estimateWorkingSet(plan, 50 * MB)).toBe(50 * MB);
		}
	});

	it("keeps a progressive JPEG's coefficients only as far as its scale needs", () => {
		const full = planOf(4000, 3000, true, Infinity);
		const preview = planOf(4000, 3000, true, 1024);
		// At full size every coefficient of every block is kept (2 bytes each, 36 MB):
		// the decode fills that store in passes of MCU rows, so the heap stays within 16 MiB.
		expect(full.denom).toBe(1);
		expect(full.decoderBytes).toBeLessThanOrEqual(16 * MB);
		expect(full.decoderBytes).toBeGreaterThan((2 * 64 * (12_000_000 / 64) * 1.5) / 4);
		// At 1/2 luma keeps its 4x4 low band (16 of 64), so fewer passes bring it within the budget.
		expect(preview.denom).toBe(2);
		expect(preview.decoderBytes).toBeLessThanOrEqual(16 * MB);
		expect(decodePhaseBytes(preview)).toBeLessThan(100 * MB);
		// 24 MP progressive to the preview (1/4: DC and the 2x2 band) fits too.
		expect(decodePhaseBytes(planOf(6000, 4000, true, 1024))).toBeLessThan(40 * MB);
	});

	it("counts held runtime heaps against other operations, never against their own", async () => {
		const held = { ocr: 70 * MB, filter: 10 * MB, cache: 5 * MB };
		const a = make({ held: () => held, maxWaitMs: 50 });
		// OCR reserves its runtime in full, so its own held heap is not counted twice: 90 + 10 + 5 <= 100.
		const ocr = await a.acquire("ocr", 85 * MB);
		ocr.release();
		// A filter sees the idle OCR heap: 30 + 70 + 5 > 100, and with no reclaim it waits, then 503.
		const err = await a.acquire("filter", 30 * MB).catch((e: AppError) => e);
		expect((err as AppError).code).toBe("overloaded");
		expect(a.stats().held_bytes).toEqual(held);
	});

	it("drops idle runtimes to admit a request that does not fit, and tells them which are busy", async () => {
		const held = { ocr: 70 * MB, filter: 10 * MB, cache: 0 };
		const calls: Record<string, boolean>[] = [];
		const a = make({
			held: () => held,
			reclaim: async (busy) => {
				calls.push({ ...busy });
				const freed = busy.ocr ? 0 : held.ocr;
				if (!busy.ocr) held.ocr = 0;
				return freed;
			},
		});
		const ticket = await a.acquire("filter", 60 * MB);
		expect(calls).toEqual([{ ocr: false, filter: true }]);
		expect(a.stats()).toMatchObject({ reserved_bytes: 60 * MB, reclaimed_bytes: 70 * MB });
		ticket.release();
	});

	it("counts cached results as held and asks reclaim for just the shortfall", async () => {
		const held = { ocr: 0, filter: 0, cache: 35 * MB };
		const asked: number[] = [];
		const a = make({
			held: () => held,
			reclaim: async (_busy, shortfall) => {
				asked.push(shortfall);
				const freed = Math.min(held.cache, shortfall);
				held.cache -= freed;
				return freed;
			},
		});
		const first = await a.acquire("filter", 40 * MB);
		// 40 reserved + 35 held + 35 asked is 10 MB over the budget.
		const second = await a.acquire("filter", 35 * MB);
		expect(asked).toEqual([10 * MB]);
		expect(held.cache).toBe(25 * MB);
		expect(a.stats()).toMatchObject({ reserved_bytes: 75 * MB, reclaimed_bytes: 10 * MB });
		first.release();
		second.release();
	});

	it("refuses at once with a 413 naming what holds the memory, when nothing running or idle can make room", async () => {
		const a = make({
			held: () => ({ ocr: 60 * MB, filter: 0, cache: 0 }),
			reclaim: async () => 0,
			maxWaitMs: 10_000,
		});
		const started = Date.now();
		const err = await a.acquire("filter", 50 * MB).catch((e: AppError) => e);
		// Waiting cannot help (nothing in flight will release memory), so this is no 503.
		expect([(err as AppError).status, (err as AppError).code]).toEqual([413, "memory_held"]);
		expect((err as AppError).message).toMatch(/60\.0 MB of the 100\.0 MB budget is held/);
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(a.stats().queued).toEqual({ ocr: 0, filter: 0 });
	});

	it("shrinks the OCR preview until the runtime and its pixels fit the budget", () => {
		// 27 MB beside the runtime, whichever engine it is: enough for a small upload, not a photo at 2048.
		const budget = ocrRuntimeBytes() + 27 * MB;
		const small = ocrReservation((side) => planOf(800, 600, false, side), 960, 2048, budget);
		expect(small.maxSide).toBe(2048);
		expect(small.bytes).toBe(ocrRuntimeBytes() + 8 * 480_000 + 8 * 480_000 + 4 * MB);
		const photo = ocrReservation((side) => planOf(3000, 2250, false, side), 960, 2048, budget);
		expect(photo.maxSide).toBeLessThan(2048);
		expect(photo.maxSide).toBeGreaterThanOrEqual(960);
		expect(photo.plan.width).toBe(photo.maxSide);
		// The runtime stays resident while the upload is decoded, so both count; all of it within the budget.
		expect(photo.bytes).toBeGreaterThanOrEqual(ocrRuntimeBytes() + decodePhaseBytes(photo.plan));
		expect(photo.bytes).toBeLessThanOrEqual(budget);
		// One step larger would not have fitted.
		const p = fitSize(3000, 2250, Math.ceil(photo.maxSide / 0.9));
		expect(ocrRuntimeBytes() + 8 * p.width * p.height + 8 * 960 * 960 + 4 * MB).toBeGreaterThan(budget);
		// A progressive upload read at full scale stores every coefficient: the runtime beside that decode
		// must fit too, so the view shrinks until its DCT scale halves the store.
		const progressiveBudget = ocrRuntimeBytes() + 42 * MB;
		const progressive = ocrReservation((side) => planOf(4000, 3000, true, side), 960, 2048, progressiveBudget);
		expect(progressive.bytes).toBeLessThanOrEqual(progressiveBudget);
		expect(progressive.bytes).toBeGreaterThanOrEqual(ocrRuntimeBytes() + decodePhaseBytes(progressive.plan));
	});
});
