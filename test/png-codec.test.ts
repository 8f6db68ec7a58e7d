// @ts-expect-error the package types this file as its exports; wrangler imports it as a compiled module
import jsquashWasm from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm";
import jsquashDecode, { init as initJsquashDecode } from "@jsquash/png/decode.js";
import jsquashEncode, { init as initJsquashEncode } from "@jsquash/png/encode.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
	decodePng,
	encodePng,
	PNG_INTERLACED_MAX_PIXELS,
	pngDecodeBytes,
	pngEncodeBytes,
	pngLiveBytes,
	pngPeakBytes,
	readPngInfo,
} from "../src/codecs/png";
import { PNG_CHANNELS } from "../src/codecs/png/chunks";
import { crc32 } from "../src/codecs/png/crc";
import { pngLastBytes } from "../src/codecs/png/kernel";
import { AppError } from "../src/lib/errors";
import type { Pixels } from "../src/lib/pixels";
import { resizeArea } from "../src/lib/resize";
import appleFile from "./fixtures/npr/apple.input.png";
import gray1 from "./fixtures/png/gray1.png";
import gray1i from "./fixtures/png/gray1-adam7.png";
import gray4 from "./fixtures/png/gray4.png";
import gray4i from "./fixtures/png/gray4-adam7.png";
import gray8 from "./fixtures/png/gray8.png";
import gray8i from "./fixtures/png/gray8-adam7.png";
import gray16 from "./fixtures/png/gray16.png";
import gray16i from "./fixtures/png/gray16-adam7.png";
import graya8 from "./fixtures/png/graya8.png";
import graya8i from "./fixtures/png/graya8-adam7.png";
import palette4 from "./fixtures/png/palette4.png";
import palette4i from "./fixtures/png/palette4-adam7.png";
import palette8 from "./fixtures/png/palette8.png";
import palette8i from "./fixtures/png/palette8-adam7.png";
import rgb8 from "./fixtures/png/rgb8.png";
import rgb8i from "./fixtures/png/rgb8-adam7.png";
import rgb16 from "./fixtures/png/rgb16.png";
import rgb16i from "./fixtures/png/rgb16-adam7.png";
import rgba8 from "./fixtures/png/rgba8.png";
import rgba8i from "./fixtures/png/rgba8-adam7.png";
import rgba16 from "./fixtures/png/rgba16.png";
import rgba16i from "./fixtures/png/rgba16-adam7.png";
import toolsFile from "./fixtures/tools.input.png";
import { rejection } from "./helpers/api";
import { concat, concatAll } from "./helpers/bytes";
import {
	type Chunk,
	COLOR,
	chunks,
	filterScanline,
	makePng,
	type PngSpec,
	pngAround,
	rebuild,
	zlib,
} from "./helpers/png";

const MiB = 1 << 20;

beforeAll(async () => {
	await initJsquashDecode(jsquashWasm);
	await initJsquashEncode(jsquashWasm);
});

async function reference(bytes: Uint8Array): Promise<Uint8ClampedArray> {
	const img = await jsquashDecode(bytes.slice().buffer);
	return img.data;
}

async function full(bytes: Uint8Array): Promise<Pixels> {
	const info = readPngInfo(bytes);
	return decodePng(bytes, info.width, info.height);
}

/** Deterministic pseudo-random integers (mulberry32). */
function rng(seed: number): (n: number) => number {
	let a = seed >>> 0;
	return (n) => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
	};
}

/** A spec with random samples (kept in a table so `expected` can read them back). */
function randomSpec(colorType: number, bitDepth: 1 | 2 | 4 | 8 | 16, w: number, h: number, seed: number): PngSpec {
	const r = rng(seed);
	const ch = PNG_CHANNELS[colorType]!;
	const max = colorType === 3 ? Math.min(1 << bitDepth, 200) : 2 ** bitDepth;
	const table = Array.from({ length: w * h }, () => Array.from({ length: ch }, () => r(max)));
	const spec: PngSpec = { width: w, height: h, colorType, bitDepth, samples: (x, y) => table[y * w + x]! };
	if (colorType === 3) spec.palette = Array.from({ length: max }, () => [r(256), r(256), r(256)]);
	return spec;
}

/** The RGBA the spec describes: 16-bit to 8 by the high byte, low-bit gray scaled, tRNS applied. */
function expected(spec: PngSpec): Uint8ClampedArray {
	const depth = spec.bitDepth ?? 8;
	const out = new Uint8ClampedArray(spec.width * spec.height * 4);
	const to8 = (v: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : (v * 255) / (2 ** depth - 1));
	const key = spec.transparent;
	for (let y = 0; y < spec.height; y++) {
		for (let x = 0; x < spec.width; x++) {
			const s = spec.samples(x, y);
			let px: number[];
			if (spec.colorType === COLOR.gray) px = [to8(s[0]!), to8(s[0]!), to8(s[0]!), key && key[0] === s[0] ? 0 : 255];
			else if (spec.colorType === COLOR.rgb) {
				const keyed = key?.every((k, i) => k === s[i]);
				px = [to8(s[0]!), to8(s[1]!), to8(s[2]!), keyed ? 0 : 255];
			} else if (spec.colorType === COLOR.palette) {
				const e = spec.palette![s[0]!] ?? [0, 0, 0];
				px = [...e, spec.paletteAlpha?.[s[0]!] ?? 255];
			} else if (spec.colorType === COLOR.grayAlpha) px = [to8(s[0]!), to8(s[0]!), to8(s[0]!), to8(s[1]!)];
			else px = s.map(to8);
			out.set(px, (y * spec.width + x) * 4);
		}
	}
	return out;
}

function maxDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
	expect(a.length).toBe(b.length);
	let m = 0;
	for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
	return m;
}

const VARIANTS: [string, number, (1 | 2 | 4 | 8 | 16)[]][] = [
	["gray", COLOR.gray, [1, 2, 4, 8, 16]],
	["rgb", COLOR.rgb, [8, 16]],
	["palette", COLOR.palette, [1, 2, 4, 8]],
	["gray+alpha", COLOR.grayAlpha, [8, 16]],
	["rgba", COLOR.rgba, [8, 16]],
];

describe("decodePng: colour types, depths, filters", () => {
	for (const [name, colorType, depths] of VARIANTS) {
		for (const depth of depths) {
			it(`${name} ${depth}-bit, rows cycling through all five filters, matches the spec and @jsquash/png`, async () => {
				const spec = randomSpec(colorType, depth, 37, 23, colorType * 100 + depth);
				spec.filters = (row) => row % 5;
				const png = await makePng(spec);
				const got = await full(png);
				expect(got.width).toBe(37);
				expect(got.height).toBe(23);
				expect(maxDiff(got.data, expected(spec))).toBe(0);
				expect(maxDiff(got.data, await reference(png))).toBe(0);
			});
		}
	}

	const BPP: [string, number, 1 | 2 | 4 | 8 | 16][] = [
		["gray 2-bit", COLOR.gray, 2],
		["gray 8", COLOR.gray, 8],
		["gray+alpha 8", COLOR.grayAlpha, 8],
		["rgb 8", COLOR.rgb, 8],
		["rgba 8", COLOR.rgba, 8],
		["gray 16", COLOR.gray, 16],
		["rgb 16", COLOR.rgb, 16],
		["rgba 16", COLOR.rgba, 16],
	];
	for (const filter of [0, 1, 2, 3, 4]) {
		it(`filter ${["None", "Sub", "Up", "Average", "Paeth"][filter]} on every row, at 1 to 8 bytes a pixel`, async () => {
			for (const [, colorType, depth] of BPP) {
				const spec = randomSpec(colorType, depth, 41, 9, filter * 10 + depth + colorType);
				spec.filters = () => filter;
				const got = await full(await makePng(spec));
				expect(maxDiff(got.data, expected(spec))).toBe(0);
			}
		});
	}

	it("smooth images exercise Paeth's three predictors", async () => {
		const spec: PngSpec = {
			width: 64,
			height: 48,
			colorType: COLOR.rgba,
			samples: (x, y) => [(x * 3 + y) & 255, (x * y) & 255, 255 - x, (y * 5) & 255],
			filters: () => 4,
		};
		const got = await full(await makePng(spec));
		expect(maxDiff(got.data, expected(spec))).toBe(0);
	});

	it("palette with tRNS (shorter than the palette) and an index past the palette", async () => {
		for (const depth of [1, 2, 4, 8] as const) {
			const spec = randomSpec(COLOR.palette, depth, 19, 7, depth);
			const n = spec.palette!.length;
			spec.paletteAlpha = Array.from({ length: Math.max(1, n - 1) }, (_, i) => (i * 37) & 255);
			const got = await full(await makePng(spec));
			expect(maxDiff(got.data, expected(spec))).toBe(0);
			expect(got.data.some((v, i) => i % 4 === 3 && v < 255)).toBe(true);
		}
		// Index 3 with a two-entry palette reads as opaque black.
		const spec: PngSpec = {
			width: 4,
			height: 1,
			colorType: COLOR.palette,
			palette: [
				[10, 20, 30],
				[40, 50, 60],
			],
			samples: (x) => [x],
		};
		const got = await full(await makePng(spec));
		expect([...got.data]).toEqual([10, 20, 30, 255, 40, 50, 60, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
	});

	it("tRNS colour keys for gray (1 to 16 bits) and RGB (8, 16 bits)", async () => {
		for (const depth of [1, 2, 4, 8, 16] as const) {
			const spec = randomSpec(COLOR.gray, depth, 23, 11, 7 + depth);
			spec.transparent = [spec.samples(3, 2)[0]!];
			const png = await makePng(spec);
			const got = await full(png);
			expect(maxDiff(got.data, expected(spec))).toBe(0);
			expect(got.data[(2 * 23 + 3) * 4 + 3]).toBe(0);
			expect(maxDiff(got.data, await reference(png))).toBe(0);
		}
		for (const depth of [8, 16] as const) {
			const spec = randomSpec(COLOR.rgb, depth, 23, 11, 70 + depth);
			spec.transparent = spec.samples(5, 4).slice();
			const png = await makePng(spec);
			const got = await full(png);
			expect(maxDiff(got.data, expected(spec))).toBe(0);
			expect(got.data[(4 * 23 + 5) * 4 + 3]).toBe(0);
			expect(maxDiff(got.data, await reference(png))).toBe(0);
		}
	});
});

const FIXTURES: [string, ArrayBuffer, ArrayBuffer][] = [
	["gray1", gray1, gray1i],
	["gray4", gray4, gray4i],
	["gray8", gray8, gray8i],
	["gray16", gray16, gray16i],
	["graya8", graya8, graya8i],
	["palette4", palette4, palette4i],
	["palette8", palette8, palette8i],
	["rgb8", rgb8, rgb8i],
	["rgb16", rgb16, rgb16i],
	["rgba8", rgba8, rgba8i],
	["rgba16", rgba16, rgba16i],
];

describe("decodePng: Adam7", () => {
	for (const [name, plain, interlaced] of FIXTURES) {
		it(`${name}: ImageMagick's interlaced file decodes like its plain one and like @jsquash/png`, async () => {
			const a = await full(new Uint8Array(plain));
			const b = await full(new Uint8Array(interlaced));
			expect(readPngInfo(new Uint8Array(interlaced)).interlaced).toBe(true);
			expect(maxDiff(a.data, b.data)).toBe(0);
			expect(maxDiff(a.data, await reference(new Uint8Array(plain)))).toBe(0);
			expect(maxDiff(b.data, await reference(new Uint8Array(interlaced)))).toBe(0);
		});
	}

	it("every colour type interlaced by the helper, sizes from 1x1 up, with filters", async () => {
		for (const [, colorType, depths] of VARIANTS) {
			for (const depth of depths) {
				for (const [w, h] of [
					[1, 1],
					[3, 2],
					[9, 9],
					[17, 13],
				] as const) {
					const spec = randomSpec(colorType, depth, w, h, w * h + depth);
					spec.interlaced = true;
					spec.filters = (row) => (row * 3) % 5;
					const got = await full(await makePng(spec));
					expect(maxDiff(got.data, expected(spec))).toBe(0);
				}
			}
		}
	});

	it("reduced interlaced decode equals resizeArea of the full one", async () => {
		const bytes = new Uint8Array(rgba8i);
		const f = await full(bytes);
		const small = await decodePng(bytes, 11, 8);
		expect(maxDiff(small.data, resizeArea(f, 11, 8).data)).toBeLessThanOrEqual(1);
	});

	it("an interlaced PNG past the limit is a 413 that says it is read whole", async () => {
		const spec: PngSpec = { width: 4000, height: 4000, colorType: COLOR.gray, interlaced: true, samples: () => [0] };
		expect(spec.width * spec.height).toBeGreaterThan(PNG_INTERLACED_MAX_PIXELS);
		const png = await makePng({ ...spec, width: 1, height: 1 });
		// Same file with a bigger IHDR (CRC fixed): the refusal comes from the header alone.
		const big = withIhdr(png, 4000, 4000);
		const err = await rejection(decodePng(big, 100, 100));
		expect(err.status).toBe(413);
		expect(err.code).toBe("image_too_large");
		expect(err.message).toMatch(/interlaced/i);
		expect(err.message).toMatch(/whole/);
		expect(err.message).toMatch(/12 megapixels/);
	});
});

function withIhdr(png: Uint8Array, w: number, h: number): Uint8Array {
	const out = png.slice();
	const v = new DataView(out.buffer);
	v.setUint32(16, w);
	v.setUint32(20, h);
	v.setUint32(29, crc32(out.subarray(12, 29)));
	return out;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("decodePng: reduced sizes", () => {
	it("equal resizeArea of the full decode within 1, opaque and transparent", async () => {
		const sources = [
			new Uint8Array(toolsFile),
			new Uint8Array(rgba8),
			new Uint8Array(palette8),
			new Uint8Array(gray16),
		];
		for (const bytes of sources) {
			const f = await full(bytes);
			for (const [w, h] of [
				[f.width, Math.ceil(f.height / 3)],
				[Math.ceil(f.width / 2), Math.ceil(f.height / 2)],
				[Math.max(1, Math.floor(f.width / 7)), Math.max(1, Math.floor(f.height / 5))],
				[1, 1],
			] as const) {
				const small = await decodePng(bytes, w, h);
				expect(small.width).toBe(w);
				expect(small.height).toBe(h);
				expect(maxDiff(small.data, resizeArea(f, w, h).data)).toBeLessThanOrEqual(1);
			}
		}
	});

	it("a size larger than the image is refused", async () => {
		await expect(decodePng(new Uint8Array(rgb8), 38, 29)).rejects.toThrow(RangeError);
	});
});

describe("decodePng: errors", () => {
	const good = () => makePng(randomSpec(COLOR.rgb, 8, 40, 30, 5));

	it("bad CRC of a critical chunk is corrupt_image; of an ancillary one, ignored", async () => {
		const png = await good();
		const list = chunks(png);
		const idatAt = png.indexOf(0x49, 33); // the 'I' of IDAT
		const bad = png.slice();
		bad[idatAt + 10] = bad[idatAt + 10]! ^ 0xff;
		const err = await rejection(decodePng(bad, 40, 30));
		expect(err.code).toBe("corrupt_image");
		const withText = rebuild([list[0]!, { type: "tEXt", data: new TextEncoder().encode("a\0b") }, ...list.slice(1)]);
		const textAt = withText.indexOf(0x74, 33); // tEXt
		withText[textAt + 5] = 0x7a;
		const ok = await full(withText);
		expect(maxDiff(ok.data, (await full(png)).data)).toBe(0);
	});

	it("truncated data is truncated_image, anywhere in IDAT", async () => {
		const png = await good();
		const end = png.length - 12; // IEND
		for (const cut of [40, 50, Math.floor(end / 2), end - 40]) {
			const err = await rejection(decodePng(png.subarray(0, cut), 40, 30));
			expect(err.code, `cut at ${cut}`).toBe("truncated_image");
		}
		// Missing only IEND, or the IDAT's CRC and zlib's Adler-32 too: every row is there.
		expect((await decodePng(png.subarray(0, end), 40, 30)).width).toBe(40);
		expect((await decodePng(png.subarray(0, end - 8), 40, 30)).width).toBe(40);
	});

	it("too few rows in a complete zlib stream is truncated_image", async () => {
		const spec = randomSpec(COLOR.rgb, 8, 10, 10, 1);
		const png = await makePng({ ...spec, height: 5 });
		const err = await rejection(decodePng(withIhdr(png, 10, 10), 10, 10));
		expect(err.code).toBe("truncated_image");
	});

	it("a filter type past 4 is corrupt_image", async () => {
		const spec = randomSpec(COLOR.gray, 8, 10, 10, 2);
		spec.filters = (row) => (row === 6 ? 5 : 0);
		const err = await rejection(decodePng(await makePng(spec), 10, 10));
		expect(err.code).toBe("corrupt_image");
	});

	it("garbage instead of zlib data is corrupt_image", async () => {
		const list = chunks(await good());
		const r = rng(3);
		const garbage = new Uint8Array(500).map(() => r(256));
		garbage[0] = 0x78;
		garbage[1] = 0x9c;
		const err = await rejection(
			decodePng(rebuild(list.map((c) => (c.type === "IDAT" ? { type: "IDAT", data: garbage } : c))), 40, 30),
		);
		expect(err.code).toBe("corrupt_image");
	});

	it("a header too wide for the kernel is a 413 before any data is read; its estimate is out of reach", async () => {
		const png = withIhdr(await makePng(randomSpec(COLOR.rgba, 16, 1, 1, 1)), 100_000_000, 1);
		const err = await rejection(decodePng(png, 10, 1));
		expect(err.status).toBe(413);
		expect(pngDecodeBytes(readPngInfo(png), 10, 1)).toBeGreaterThan(1e11);
	});

	it("a palette image without PLTE is corrupt_image", async () => {
		const spec = randomSpec(COLOR.palette, 8, 10, 10, 2);
		const png = await makePng(spec);
		const err = await rejection(decodePng(rebuild(chunks(png).filter((c) => c.type !== "PLTE")), 10, 10));
		expect(err.code).toBe("corrupt_image");
	});

	it("zlib trailing garbage and an extra IDAT after the last row are tolerated", async () => {
		const png = await good();
		const list = chunks(png);
		const idat = list.find((c) => c.type === "IDAT")!;
		const padded = concat(idat.data, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
		const tail = rebuild([
			...list.filter((c) => c.type !== "IEND").map((c) => (c.type === "IDAT" ? { type: "IDAT", data: padded } : c)),
			{ type: "IDAT", data: new Uint8Array([9, 9, 9, 9]) },
			{ type: "IEND", data: new Uint8Array(0) },
		]);
		expect(maxDiff((await full(tail)).data, (await full(png)).data)).toBe(0);
	});

	it("IDAT split into many small chunks, and an APNG's default image", async () => {
		const spec = randomSpec(COLOR.rgba, 8, 33, 21, 9);
		const png = await makePng(spec);
		const list = chunks(png);
		const z = list.find((c) => c.type === "IDAT")!.data;
		const pieces: Chunk[] = [];
		for (let o = 0; o < z.length; o += 7) pieces.push({ type: "IDAT", data: z.subarray(o, o + 7) });
		const actl = new Uint8Array(8);
		new DataView(actl.buffer).setUint32(0, 2);
		const fctl = new Uint8Array(26);
		const apng = rebuild([
			list[0]!,
			{ type: "acTL", data: actl },
			{ type: "fcTL", data: fctl },
			...pieces,
			{ type: "fcTL", data: fctl },
			{ type: "fdAT", data: new Uint8Array([0, 0, 0, 1, 1, 2, 3]) },
			{ type: "IEND", data: new Uint8Array(0) },
		]);
		expect(maxDiff((await full(apng)).data, expected(spec))).toBe(0);
	});

	it("an IDAT stream in 180 000 one-byte chunks is gathered into a few writes", async () => {
		const spec = randomSpec(COLOR.rgb, 8, 300, 200, 21);
		const png = await makePng(spec);
		const list = chunks(png);
		const z = list.find((c) => c.type === "IDAT")!.data;
		const ones: Chunk[] = Array.from(z, (_, i) => ({ type: "IDAT", data: z.subarray(i, i + 1) }));
		const split = rebuild([list[0]!, ...ones, { type: "IEND", data: new Uint8Array(0) }]);
		const t = Date.now();
		const got = await full(split);
		expect(Date.now() - t).toBeLessThan(5000);
		expect(maxDiff(got.data, expected(spec))).toBe(0);
	});

	it("hostile inputs: mutations and truncations of valid files give a result or a 4xx AppError", async () => {
		const seeds = [
			await makePng({ ...randomSpec(COLOR.rgb, 8, 24, 16, 11), filters: (r) => r % 5 }),
			await makePng({ ...randomSpec(COLOR.palette, 4, 24, 16, 12), interlaced: true }),
			await makePng({ ...randomSpec(COLOR.rgba, 16, 9, 9, 13), filters: (r) => r % 5 }),
			new Uint8Array(gray1i),
			new Uint8Array(rgba8i),
		];
		const check = async (bytes: Uint8Array) => {
			try {
				const info = readPngInfo(bytes);
				await decodePng(bytes, Math.min(info.width, 7), Math.min(info.height, 5));
			} catch (e) {
				if (!(e instanceof AppError)) throw e;
				expect(e.status).toBeGreaterThanOrEqual(400);
				expect(e.status).toBeLessThan(500);
			}
		};
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: seeds.length - 1 }),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
				fc.option(fc.nat()),
				fc.boolean(),
				async (which, flips, cut, fixCrc) => {
					const seed = seeds[which]!;
					let bytes: Uint8Array = seed.slice(0, cut === null ? seed.length : 8 + (cut % (seed.length - 7)));
					for (const [at, v] of flips) bytes[at % bytes.length] = v;
					// Re-sealing the CRCs lets mutations reach IHDR checks, inflate and the kernel.
					if (fixCrc) bytes = rebuild(chunks(bytes));
					await check(bytes);
				},
			),
			{ numRuns: 400 },
		);
	});

	it("hostile scanlines: random inflated bytes under valid headers", async () => {
		const shapes: [number, number, boolean][] = [];
		for (const [, ct, depths] of VARIANTS) for (const d of depths) shapes.push([ct, d, false], [ct, d, true]);
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 0, max: shapes.length - 1 }),
				fc.integer({ min: 1, max: 40 }),
				fc.integer({ min: 1, max: 40 }),
				fc.uint8Array({ maxLength: 3000 }),
				async (s, w, h, raw) => {
					const [ct, depth, interlaced] = shapes[s]!;
					const ihdr = new Uint8Array(13);
					const v = new DataView(ihdr.buffer);
					v.setUint32(0, w);
					v.setUint32(4, h);
					ihdr.set([depth, ct, 0, 0, interlaced ? 1 : 0], 8);
					const list: Chunk[] = [{ type: "IHDR", data: ihdr }];
					if (ct === 3) list.push({ type: "PLTE", data: new Uint8Array(30) });
					list.push({ type: "IDAT", data: await deflate(raw) }, { type: "IEND", data: new Uint8Array(0) });
					try {
						const out = await decodePng(rebuild(list), Math.ceil(w / 3), h);
						expect(out.data.length).toBe(Math.ceil(w / 3) * h * 4);
					} catch (e) {
						if (!(e instanceof AppError)) throw e;
						expect(["truncated_image", "corrupt_image"]).toContain(e.code);
					}
				},
			),
			{ numRuns: 300 },
		);
	});
});

describe("encodePng", () => {
	it("round trips exactly: RGBA, and RGB when every alpha is 255", async () => {
		const opaque = await full(new Uint8Array(toolsFile));
		const transparent = await full(new Uint8Array(rgba8));
		for (const p of [opaque, transparent]) {
			const png = await encodePng(p);
			expect(readPngInfo(png).colorType).toBe(p === opaque ? 2 : 6);
			const back = await full(png);
			expect(back.width).toBe(p.width);
			expect(maxDiff(back.data, p.data)).toBe(0);
			expect(maxDiff(await reference(png), p.data)).toBe(0);
		}
	});

	it("deflates through zlib at level 4 with the filtered-data strategy, not CompressionStream's level 6", async () => {
		const png = await encodePng(await full(new Uint8Array(toolsFile)));
		const idat = chunks(png).find((c) => c.type === "IDAT")!.data;
		// The zlib header's FLEVEL field (top two bits of its second byte): 1 for levels 2-5, 2 for level 6.
		expect(idat[0]! & 0x0f).toBe(8);
		expect(idat[1]! >> 6).toBe(1);
	});

	it("each row's filter is libpng's heuristic: least sum of |filtered byte as signed|, first on a tie", async () => {
		const p = await decodePng(new Uint8Array(toolsFile), 200, 200);
		for (let i = 3; i < p.data.length; i += 28) p.data[i] = 128;
		const png = await encodePng(p);
		const z = concatAll(
			chunks(png)
				.filter((c) => c.type === "IDAT")
				.map((c) => c.data),
		);
		const raw = new Uint8Array(
			await new Response(new Blob([z]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer(),
		);
		const n = p.width * 4;
		expect(raw.length).toBe(p.height * (n + 1));
		const used = new Set<number>();
		let prev: Uint8Array = new Uint8Array(n);
		for (let y = 0; y < p.height; y++) {
			const cur = new Uint8Array(p.data.buffer, y * n, n);
			const sums = [0, 1, 2, 3, 4].map((f) =>
				filterScanline(f, cur, prev, 4).reduce((s, v) => s + (v < 128 ? v : 256 - v), 0),
			);
			const best = sums.indexOf(Math.min(...sums));
			expect(raw[y * (n + 1)], `row ${y}`).toBe(best);
			expect([...raw.subarray(y * (n + 1) + 1, (y + 1) * (n + 1))]).toEqual([...filterScanline(best, cur, prev, 4)]);
			used.add(best);
			prev = cur;
		}
		expect(used.size).toBeGreaterThan(1);
	});

	it("odd widths, 1x1, a view at an unaligned offset", async () => {
		for (const [w, h] of [
			[1, 1],
			[3, 7],
			[17, 5],
			[1000, 3],
		] as const) {
			const r = rng(w * h);
			const buf = new Uint8ClampedArray(w * h * 4 + 1);
			for (let i = 0; i < buf.length; i++) buf[i] = i % 4 === 0 ? 255 : r(256);
			const data = buf.subarray(1);
			const p = { data, width: w, height: h };
			const back = await full(await encodePng(p));
			expect(maxDiff(back.data, data)).toBe(0);
		}
	});

	it("output size is comparable to @jsquash/png's encoder", async () => {
		const cases: [string, Pixels][] = [
			["tools 400x400", await full(new Uint8Array(toolsFile))],
			["apple", await full(new Uint8Array(appleFile))],
			["rgba8 37x29", await full(new Uint8Array(rgba8))],
		];
		for (const [name, p] of cases) {
			const ours = await encodePng(p);
			const theirs = new Uint8Array(
				await jsquashEncode({ data: p.data, width: p.width, height: p.height, colorSpace: "srgb" } as Parameters<
					typeof jsquashEncode
				>[0]),
			);
			const ratio = ours.length / theirs.length;
			console.log(
				`png encode ${name}: ours ${ours.length} B, @jsquash/png ${theirs.length} B, ratio ${ratio.toFixed(3)}`,
			);
			expect(ratio).toBeLessThan(1.25);
		}
	});

	it("refuses a buffer that does not match its size", async () => {
		await expect(encodePng({ data: new Uint8ClampedArray(10), width: 2, height: 2 })).rejects.toThrow(RangeError);
	});
});

describe("memory", () => {
	it("estimates cover the kernel heap a call really takes, within 1.3x + 1 MiB", async () => {
		const shapes: [PngSpec, number, number][] = [
			[randomSpec(COLOR.rgb, 8, 300, 200, 1), 300, 200],
			[randomSpec(COLOR.rgba, 16, 500, 40, 2), 100, 8],
			[{ ...randomSpec(COLOR.gray, 8, 400, 300, 3), interlaced: true }, 200, 150],
			[randomSpec(COLOR.palette, 2, 900, 20, 4), 900, 20],
		];
		for (const [spec, ow, oh] of shapes) {
			const png = await makePng(spec);
			const info = readPngInfo(png);
			await decodePng(png, ow, oh);
			const real = pngLastBytes();
			const est = pngDecodeBytes(info, ow, oh);
			expect(est).toBeGreaterThanOrEqual(real);
			expect(est).toBeLessThanOrEqual(real * 1.3 + MiB);
		}
		for (const [w, h] of [
			[1024, 768],
			[4000, 10],
			[5, 5],
		] as const) {
			const data = new Uint8ClampedArray(w * h * 4).fill(200);
			await encodePng({ data, width: w, height: h });
			const real = pngLastBytes();
			const est = pngEncodeBytes(w, h);
			expect(est).toBeGreaterThanOrEqual(real);
			expect(est).toBeLessThanOrEqual(real * 1.3 + MiB);
		}
		expect(pngLiveBytes()).toBe(0);
		expect(pngPeakBytes()).toBeGreaterThan(0);
	});

	it("a 6000x8000 RGB PNG decodes to 768x1024 with a kernel heap of at most 16 MiB", async () => {
		const W = 6000;
		const H = 8000;
		// Low-entropy rows streamed through the deflater, so the test never holds the raw image.
		const row = new Uint8Array(1 + W * 3);
		const rows = function* () {
			for (let y = 0; y < H; y++) {
				for (let x = 0; x < W; x++) {
					row[1 + x * 3] = x >> 5;
					row[2 + x * 3] = y >> 5;
					row[3 + x * 3] = (x + y) >> 6;
				}
				yield row.slice();
			}
		};
		const png = pngAround(W, H, COLOR.rgb, await zlib(rows()));
		const out = await decodePng(png, 768, 1024);
		const heap = pngLastBytes();
		console.log(`6000x8000 RGB (${png.length} B file) to 768x1024: kernel heap ${heap} B`);
		expect(heap).toBeLessThanOrEqual(16 * MiB);
		expect(heap).toBeLessThanOrEqual(pngDecodeBytes(readPngInfo(png), 768, 1024));
		// Output pixel (i, j) averages source x in [i*7.8125, (i+1)*7.8125): red is about x / 32.
		const at = (i: number, j: number) => [...out.data.subarray((j * 768 + i) * 4, (j * 768 + i) * 4 + 4)];
		expect(at(0, 0)).toEqual([0, 0, 0, 255]);
		const [r, g, , a] = at(400, 900);
		expect(Math.abs(r! - (400.5 * 7.8125) / 32)).toBeLessThanOrEqual(1.5);
		expect(Math.abs(g! - (900.5 * 7.8125) / 32)).toBeLessThanOrEqual(1.5);
		expect(a).toBe(255);
	});
});
