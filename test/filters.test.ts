import { describe, expect, it } from "vitest";
import {
	applyFilter,
	FILTER_NAMES,
	FILTERS,
	KernelError,
	kernelMemoryBytes,
	parseFilterParams,
	trapKernelForTest,
} from "../src/filters";
import { type AppError, NotFoundError, UnprocessableError } from "../src/lib/errors";
import type { Pixels } from "../src/lib/pixels";

/** A deterministic, textured RGBA test card (edges, gradients, noise). */
function card(w: number, h: number, alpha = (_x: number, _y: number) => 255): Pixels {
	const data = new Uint8ClampedArray(w * h * 4);
	let seed = 12345;
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			seed = (seed * 1103515245 + 12345) >>> 0;
			const i = (y * w + x) * 4;
			const block = ((x >> 3) + (y >> 3)) & 1;
			data[i] = block ? 200 : (x * 255) / Math.max(1, w - 1);
			data[i + 1] = (y * 255) / Math.max(1, h - 1);
			data[i + 2] = (seed >>> 24) & 0x3f;
			data[i + 3] = alpha(x, y);
		}
	return { data, width: w, height: h };
}

function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error("expected a throw");
}

describe("filter parameters", () => {
	it("defaults are OpenCV's", () => {
		expect(parseFilterParams("sketch", {})).toEqual({ sigma_s: 60, sigma_r: 0.07, shade_factor: 0.02 });
		expect(parseFilterParams("watercolor", {})).toEqual({ sigma_s: 60, sigma_r: 0.45 });
		expect(parseFilterParams("oil", {})).toEqual({ size: 7, dynRatio: 1 });
		expect(parseFilterParams("edge_preserving", {})).toEqual({ flags: 1, sigma_s: 60, sigma_r: 0.4 });
		expect(parseFilterParams("detail_enhance", {})).toEqual({ sigma_s: 10, sigma_r: 0.15 });
		expect(FILTERS.map((f) => f.name)).toEqual([...FILTER_NAMES]);
	});

	it("parses query strings, aliases, and ignores unrelated keys", () => {
		expect(parseFilterParams("oil", { size: "3", dyn_ratio: "4", format: "png" })).toEqual({ size: 3, dynRatio: 4 });
		expect(parseFilterParams("sketch", { sigma_s: "200", sigma_r: "1", shade_factor: "0" })).toEqual({
			sigma_s: 200,
			sigma_r: 1,
			shade_factor: 0,
		});
	});

	const bad: [string, Record<string, string>, string][] = [
		["sketch", { sigma_s: "0" }, "sigma_s"],
		["sketch", { sigma_s: "200.5" }, "sigma_s"],
		["sketch", { sigma_r: "1.01" }, "sigma_r"],
		["sketch", { sigma_r: "-0.1" }, "sigma_r"],
		["color_sketch", { shade_factor: "0.2" }, "shade_factor"],
		["watercolor", { sigma_s: "abc" }, "sigma_s"],
		["watercolor", { sigma_r: "" }, "sigma_r"],
		["oil", { size: "0" }, "size"],
		["oil", { size: "2.5" }, "size"],
		["oil", { dynRatio: "128" }, "dynRatio"],
		["edge_preserving", { flags: "3" }, "flags"],
		["detail_enhance", { sigma_s: "Infinity" }, "sigma_s"],
	];
	for (const [name, query, param] of bad) {
		it(`refuses ${name} ${JSON.stringify(query)} with 422 naming ${param}`, () => {
			const e = thrown(() => parseFilterParams(name, query));
			expect(e).toBeInstanceOf(UnprocessableError);
			expect((e as AppError).status).toBe(422);
			expect((e as AppError).code).toBe("invalid_parameter");
			expect((e as AppError).message).toContain(param);
		});
	}

	it("an unknown filter is a 404, with the one message that names the filters", () => {
		const fromParams = thrown(() => parseFilterParams("sepia", {}));
		const fromApply = thrown(() => applyFilter("sepia", card(4, 4)));
		expect(fromParams).toBeInstanceOf(NotFoundError);
		expect(fromApply).toBeInstanceOf(NotFoundError);
		const message = `no such filter; try ${FILTER_NAMES.join(", ")}`;
		expect([(fromParams as AppError).message, (fromApply as AppError).message]).toEqual([message, message]);
	});

	it("programmatic parameters are range-checked too", () => {
		expect(thrown(() => applyFilter("oil", card(4, 4), { size: -1 }))).toBeInstanceOf(UnprocessableError);
	});
});

describe("filter inputs", () => {
	const sizes: [number, number][] = [
		[1, 1],
		[1, 9],
		[9, 1],
		[7, 3],
		[2, 2],
		[13, 5],
		[33, 17],
		[130, 3],
		[3, 130],
	];
	for (const name of FILTER_NAMES) {
		for (const [w, h] of sizes) {
			it(`${name} handles ${w}x${h}`, () => {
				const src = card(w, h);
				const out = applyFilter(name, src);
				expect(out.width).toBe(w);
				expect(out.height).toBe(h);
				expect(out.data.length).toBe(w * h * 4);
				expect(out.data).not.toBe(src.data);
				for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(255);
			});
		}
	}

	it("on a flat image: smoothing keeps the colour, the sketch counts whole rows and columns", () => {
		for (const [w, h] of [
			[7, 3],
			[1, 1],
			[50, 9],
		] as const) {
			const flat: Pixels = { data: new Uint8ClampedArray(w * h * 4).fill(0), width: w, height: h };
			for (let i = 0; i < flat.data.length; i += 4) flat.data.set([90, 140, 200, 255], i);
			for (const name of ["watercolor", "oil", "edge_preserving", "detail_enhance"]) {
				if (name === "watercolor" && (w < 2 || h < 2)) continue;
				const out = applyFilter(name, flat);
				for (let i = 0; i < out.data.length; i += 4) {
					for (let c = 0; c < 3; c++) expect(Math.abs(out.data[i + c]! - flat.data[i + c]!)).toBeLessThanOrEqual(1);
				}
			}
			// Radius ~91 px at sigma_s 60 covers these images: count = w + h.
			const gray = Math.round(255 * 0.02 * (w + h));
			const sk = applyFilter("sketch", flat);
			for (let i = 0; i < sk.data.length; i += 4) expect(sk.data[i]).toBe(Math.min(255, gray));
		}
	});

	it("keeps the input's alpha and ignores it for colour", () => {
		const opaque = card(41, 23);
		const holey = card(41, 23, (x, y) => (x * 7 + y * 3) & 0xff);
		for (const name of FILTER_NAMES) {
			const a = applyFilter(name, opaque);
			const b = applyFilter(name, holey);
			for (let i = 0; i < a.data.length; i += 4) {
				expect(b.data[i + 3]).toBe(holey.data[i + 3]);
				expect([b.data[i], b.data[i + 1], b.data[i + 2]]).toEqual([a.data[i], a.data[i + 1], a.data[i + 2]]);
			}
		}
	});

	it("does not modify the input", () => {
		const src = card(20, 10);
		const copy = src.data.slice();
		applyFilter("oil", src);
		expect(Array.from(src.data)).toEqual(Array.from(copy));
	});

	it("refuses a buffer that does not match its size", () => {
		const e = thrown(() => applyFilter("sketch", { data: new Uint8ClampedArray(10), width: 2, height: 2 }));
		expect(e).toBeInstanceOf(UnprocessableError);
	});

	it("keeps kernel memory between calls of the same size", () => {
		applyFilter("watercolor", card(300, 200));
		const before = kernelMemoryBytes();
		applyFilter("watercolor", card(300, 200));
		applyFilter("sketch", card(300, 200));
		expect(kernelMemoryBytes()).toBe(before);
	});
});

describe("kernel faults", () => {
	it("a trap becomes a named error and the next call gets a fresh kernel", () => {
		const before = applyFilter("sketch", card(16, 16));
		const e = thrown(() => trapKernelForTest());
		expect(e).toBeInstanceOf(KernelError);
		expect((e as AppError).code).toBe("kernel_failed");
		expect(kernelMemoryBytes()).toBe(0);
		const after = applyFilter("sketch", card(16, 16));
		expect(Array.from(after.data)).toEqual(Array.from(before.data));
	});
});
