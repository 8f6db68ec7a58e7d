import { describe, expect, it } from "vitest";
import {
	decodeImage,
	decodePlanned,
	openRowSink,
	openRowSource,
	planDecode,
	probeImage,
	rowSinkBytes,
	rowSourceBytes,
} from "../src/codecs";
import { jpegEncodeLastBytes, jpegLastHeapBytes } from "../src/codecs/jpeg";
import {
	applyFilter,
	type FilterParams,
	filterStrips,
	filterWorkingSetBytes,
	KERNEL_STATIC_BYTES,
	kernelMemoryBytes,
	kernelMemoryFor,
	layoutBytes,
	pixelRows,
	pixelsSink,
	READ_ROWS,
	releaseKernel,
	stripGeometry,
	stripWorkingSetBytes,
} from "../src/filters";
import { kernel } from "../src/filters/kernels";
import { type AppError, UnprocessableError } from "../src/lib/errors";
import type { Pixels } from "../src/lib/pixels";
import type { RowSource } from "../src/lib/strips";
import appleIn from "./fixtures/npr/apple.input.png";
import progressive12 from "./fixtures/progressive_12mp.jpg";
import { ssimGray } from "./helpers/metrics";

async function apple(): Promise<Pixels> {
	const bytes = new Uint8Array(appleIn);
	return decodeImage(bytes, probeImage(bytes));
}

/** A source that answers asynchronously and never more than `chunk` rows, as a decoder might. */
function dribble(px: Pixels, chunk: number): RowSource {
	const rows = pixelRows(px);
	return { ...rows, read: (n: number) => rows.read(Math.min(n, chunk)) };
}

// Small sigma_s so the halos fit a 540x420 photo several times over; a budget
// small enough to force at least three strips.
const MiB = 1024 * 1024;
const CASES: [string, Partial<FilterParams>, number][] = [
	["sketch", { sigma_s: 15 }, 1.5 * MiB],
	["color_sketch", { sigma_s: 15 }, 1.5 * MiB],
	["watercolor", { sigma_s: 12 }, 1.5 * MiB],
	["oil", { size: 7 }, 1.5 * MiB],
	["edge_preserving", { flags: 1, sigma_s: 15 }, 2.5 * MiB],
	["edge_preserving", { flags: 2, sigma_s: 12 }, 1.5 * MiB],
	["detail_enhance", { sigma_s: 10 }, 1.5 * MiB],
];
const BUDGET = 1.5 * MiB;

function byteDiff(a: Pixels, b: Pixels): number {
	let worst = 0;
	for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
	return worst;
}

describe("kernel memory from geometry", () => {
	it("mirrors the kernel's own layout for every filter kind", () => {
		const k = kernel();
		for (const kind of [0, 1, 2, 3, 4, 5] as const) {
			for (const [w, h, param] of [
				[1, 1, 1],
				[7, 3, 2],
				[540, 420, 7],
				[4000, 700, 64],
			] as const) {
				expect(layoutBytes(kind, w, h, param), `kind ${kind} ${w}x${h}`).toBe(k.workingSet(kind, w, h, param));
			}
		}
	});

	it("prices a call without creating a kernel instance", () => {
		releaseKernel();
		expect(filterWorkingSetBytes("edge_preserving", 4000, 3000, { flags: 1 })).toBeGreaterThan(4000 * 3000 * 24);
		expect(stripWorkingSetBytes("watercolor", 4000, 3000)).toBeLessThanOrEqual(48e6);
		expect(kernelMemoryBytes()).toBe(0);
	});

	it("plans every filter on a 12 MP photo under 48 MB", () => {
		for (const [name, p] of [["sketch", {}], ["watercolor", {}], ["oil", {}], ...CASES] as [
			string,
			Partial<FilterParams>,
		][]) {
			const g = stripGeometry(name, 4000, 3000, p);
			expect(g.bytes, name).toBeLessThanOrEqual(48e6);
			expect(g.band, name).toBeGreaterThanOrEqual(16);
			expect(g.rows, name).toBeLessThanOrEqual(g.band + 2 * g.halo);
		}
	});
});

describe("filters in strips", () => {
	for (const [name, params, budget] of CASES) {
		it(`${name} ${JSON.stringify(params)}: strips match the whole frame, heap within the estimate`, async () => {
			const src = await apple();
			const whole = applyFilter(name, src, params);
			releaseKernel();
			const sink = pixelsSink(src.width, src.height);
			const run = await filterStrips(name, dribble(src, 37), sink, params, { budget });
			expect(run.strips).toBeGreaterThanOrEqual(3);
			expect(run.halo).toBeGreaterThan(0);
			// The kernel was laid out for one strip, and its real memory is what was priced.
			const heap = kernelMemoryBytes();
			expect(heap).toBeGreaterThan(0);
			expect(heap).toBeLessThanOrEqual(run.bytes - src.width * 4 * (run.rows + run.band));
			expect(run.bytes).toBeLessThanOrEqual(budget);
			const s = ssimGray(sink.pixels, whole);
			if (name === "oil") expect(byteDiff(sink.pixels, whole)).toBe(0);
			else if (name === "detail_enhance" || params.flags === 1) expect(s).toBeGreaterThanOrEqual(0.99);
			else expect(s).toBeGreaterThanOrEqual(0.999);
		});
	}

	it("a budget too tight for the exact halo takes the shorter one, still close to the whole frame", async () => {
		const src = await apple();
		const p = { sigma_s: 12 };
		const exact = stripGeometry("watercolor", 540, 420, p, 1.5 * MiB);
		const tight = stripGeometry("watercolor", 540, 420, p, 1 * MiB);
		expect(exact.band).toBeGreaterThanOrEqual(exact.halo);
		expect(tight.halo).toBeLessThan(exact.halo);
		expect(tight.band).toBeGreaterThan(stripGeometry("watercolor", 540, 420, p, 1 * MiB, exact.halo).band);
		const sink = pixelsSink(540, 420);
		const run = await filterStrips("watercolor", pixelRows(src), sink, p, { budget: 1 * MiB });
		expect(run.halo).toBe(tight.halo);
		expect(ssimGray(sink.pixels, applyFilter("watercolor", src, p))).toBeGreaterThanOrEqual(0.999);
	});

	it("is the whole-frame filter when the image fits one strip", async () => {
		const src = await apple();
		const sink = pixelsSink(src.width, src.height);
		const run = await filterStrips("watercolor", pixelRows(src), sink);
		expect(run.strips).toBe(1);
		expect(byteDiff(sink.pixels, applyFilter("watercolor", src))).toBe(0);
	});

	it("the kernel heap stays that of the strip, not the frame", () => {
		const g = stripGeometry("edge_preserving", 4000, 3000, { flags: 2 });
		expect(kernelMemoryFor(2, 4000, g.rows, 0)).toBeLessThan(filterWorkingSetBytes("edge_preserving", 4000, 3000, {}));
		expect(KERNEL_STATIC_BYTES).toBeGreaterThan(0);
	});

	it("refuses a source that ends early or sends rows of another width", async () => {
		const src = await apple();
		const short: RowSource = {
			...pixelRows({ ...src, height: 100, data: src.data.subarray(0, 540 * 4 * 100) }),
			height: 420,
		};
		const e1 = (await filterStrips("oil", short, pixelsSink(540, 420), {}, { budget: BUDGET }).catch(
			(e) => e,
		)) as AppError;
		expect(e1).toBeInstanceOf(UnprocessableError);
		expect(e1.code).toBe("truncated_image");
		const rows = pixelRows(src);
		const narrow: RowSource = { ...rows, read: async () => ({ ...(await rows.read(1))!, width: 270, height: 2 }) };
		const e2 = (await filterStrips("oil", narrow, pixelsSink(540, 420)).catch((e) => e)) as AppError;
		expect(e2.code).toBe("truncated_image");
	});
});

describe("a 12 MP photo at full size", () => {
	it("decodes, filters and encodes in strips within 48 MB, each part within its estimate", async () => {
		const bytes = new Uint8Array(progressive12);
		const p = planDecode(bytes, probeImage(bytes), Infinity);
		expect([p.width, p.height]).toEqual([4000, 3000]);
		const sourceBytes = rowSourceBytes(p, READ_ROWS);
		const sinkBytes = rowSinkBytes("jpeg", p.width, p.height);
		// The route's arithmetic: the filter gets what the decoder and encoder leave of 48 MB.
		const budget = 48e6 - sourceBytes - sinkBytes;
		for (const name of ["sketch", "oil"]) {
			const g = stripGeometry(name, p.width, p.height, {}, budget);
			expect(g.bytes + sourceBytes + sinkBytes, name).toBeLessThanOrEqual(48e6);
			releaseKernel();
			const source = openRowSource(bytes, p);
			const run = await filterStrips(
				name,
				source,
				openRowSink("jpeg", p.width, p.height, { quality: 85 }),
				{},
				{ budget },
			);
			expect(run.strips).toBeGreaterThan(1);
			const kernelHeap = kernelMemoryBytes();
			expect(kernelHeap).toBeLessThanOrEqual(run.bytes - p.width * 4 * (run.rows + run.band));
			expect(jpegLastHeapBytes() + source.heldBytes).toBeLessThanOrEqual(sourceBytes);
			expect(jpegEncodeLastBytes()).toBeLessThanOrEqual(sinkBytes);
			const held =
				kernelHeap +
				p.width * 4 * (run.rows + run.band) +
				jpegLastHeapBytes() +
				source.heldBytes +
				jpegEncodeLastBytes();
			expect(held, name).toBeLessThanOrEqual(48e6);
			const out = await decodePlanned(run.output, planDecode(run.output, probeImage(run.output), Infinity));
			expect([out.width, out.height]).toEqual([4000, 3000]);
		}
	});
});
