import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeImage, encodeImage, probeImage } from "../src/codecs";
import { cropPixels, detailWindow, enlargeRegion, padPixels } from "../src/lib/canvas";
import { planFit } from "../src/lib/fit";
import { parseFitParams } from "../src/lib/fit-params";
import type { Pixels } from "../src/lib/pixels";
import { planRender } from "../src/style/render";
import progressive from "./fixtures/progressive_12mp.jpg";
import { BASE, expectError } from "./helpers/api";
import { withExifOrientation } from "./helpers/images";
import { COLOR, makePng } from "./helpers/png";

const RED = [220, 30, 30];
const BLUE = [30, 30, 220];
const GRAY = [128, 128, 128];

/** 400x200: red on the left half, blue on the right. */
let halves: Uint8Array;
/** 400x200: flat gray with a band of noise on the right quarter, and its mirror image. */
let detailRight: Uint8Array;
let detailLeft: Uint8Array;
/** 200x400: green above, magenta below. */
let tall: Uint8Array;

const noise = (x: number, y: number) => ((x * 7919 + y * 104729) ^ (x * y * 31)) % 256;

beforeAll(async () => {
	halves = await makePng({ width: 400, height: 200, colorType: COLOR.rgb, samples: (x) => (x < 200 ? RED : BLUE) });
	detailRight = await makePng({
		width: 400,
		height: 200,
		colorType: COLOR.rgb,
		samples: (x, y) => (x >= 300 ? [noise(x, y), noise(y, x), noise(x + y, y)] : GRAY),
	});
	detailLeft = await makePng({
		width: 400,
		height: 200,
		colorType: COLOR.rgb,
		samples: (x, y) => (x < 100 ? [noise(x, y), noise(y, x), noise(x + y, y)] : GRAY),
	});
	tall = await makePng({
		width: 200,
		height: 400,
		colorType: COLOR.rgb,
		samples: (_x, y) => (y < 200 ? [30, 200, 30] : [200, 30, 200]),
	});
});

async function styled(body: Uint8Array, query: string, filter = "edge_preserving"): Promise<Response> {
	return SELF.fetch(`${BASE}/api/style/${filter}?format=png&${query}`, {
		method: "POST",
		body,
		headers: { "content-type": "image/png" },
	});
}

async function pixelsOf(res: Response): Promise<Pixels> {
	if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
	const bytes = new Uint8Array(await res.arrayBuffer());
	return decodeImage(bytes, probeImage(bytes));
}

const at = (p: Pixels, x: number, y: number) => [...p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4)];

/** Mean colour of a rectangle. */
function mean(p: Pixels, x0: number, y0: number, w: number, h: number): number[] {
	const sum = [0, 0, 0];
	for (let y = y0; y < y0 + h; y++)
		for (let x = x0; x < x0 + w; x++) for (let c = 0; c < 3; c++) sum[c]! += p.data[(y * p.width + x) * 4 + c]!;
	return sum.map((s) => Math.round(s / (w * h)));
}

function near(actual: number[], expected: number[], tolerance = 8): void {
	expect(
		actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance),
		`${actual} vs ${expected}`,
	).toBe(true);
}

describe("fit geometry", () => {
	const plan = (query: Record<string, string>, w = 400, h = 200) =>
		planFit({ width: w, height: h }, parseFitParams(query));

	it("follows each mode's rule for a box on both sides", () => {
		const size = (q: Record<string, string>) => plan(q).output;
		expect(size({ w: "100", h: "100" })).toEqual({ width: 100, height: 50 });
		expect(size({ w: "800", h: "800" })).toEqual({ width: 400, height: 200 });
		expect(size({ w: "800", h: "800", fit: "contain" })).toEqual({ width: 800, height: 400 });
		expect(size({ w: "100", h: "100", fit: "cover" })).toEqual({ width: 100, height: 100 });
		expect(size({ w: "800", h: "800", fit: "cover" })).toEqual({ width: 800, height: 800 });
		expect(size({ w: "100", h: "100", fit: "crop" })).toEqual({ width: 100, height: 100 });
		expect(size({ w: "800", h: "800", fit: "crop" })).toEqual({ width: 400, height: 200 });
		expect(size({ w: "600", h: "100", fit: "crop" })).toEqual({ width: 400, height: 100 });
		expect(size({ w: "800", h: "800", fit: "pad" })).toEqual({ width: 800, height: 800 });
		const pad = plan({ w: "100", h: "100", fit: "pad" });
		expect([pad.scaled, pad.offset]).toEqual([
			{ width: 100, height: 50 },
			{ left: 0, top: 25 },
		]);
		const cover = plan({ w: "100", h: "100", fit: "cover" });
		expect([cover.scaled, cover.crop]).toEqual([
			{ width: 200, height: 100 },
			{ x: 50, y: 0, width: 100, height: 100 },
		]);
	});

	it("scales to one given side, multiplies by dpr, and combines with max_side", () => {
		expect(plan({ w: "100" }).output).toEqual({ width: 100, height: 50 });
		expect(plan({ h: "50", fit: "cover" }).output).toEqual({ width: 100, height: 50 });
		expect(plan({ w: "800" }).output).toEqual({ width: 400, height: 200 });
		expect(plan({ w: "800", fit: "contain" }).output).toEqual({ width: 800, height: 400 });
		expect(plan({ w: "800", fit: "crop" }).output).toEqual({ width: 400, height: 200 });
		expect(plan({ w: "100", dpr: "2" }).output).toEqual({ width: 200, height: 100 });
		expect(plan({ w: "100", h: "100", dpr: "1.5", fit: "pad" }).output).toEqual({ width: 150, height: 150 });
		expect(plan({}).output).toEqual({ width: 400, height: 200 });
		expect(plan({ max_side: "100" }).output).toEqual({ width: 100, height: 50 });
		expect(plan({ w: "800", h: "800", fit: "cover", max_side: "300" }).output).toEqual({ width: 300, height: 300 });
		expect(plan({ w: "800", fit: "contain", max_side: "300" }).output).toEqual({ width: 300, height: 150 });
		expect(plan({ w: "50", max_side: "300" }).output).toEqual({ width: 50, height: 25 });
	});

	it("plans the decode straight to the scaled size, with the DCT scale it allows", () => {
		const bytes = new Uint8Array(progressive);
		const info = probeImage(bytes);
		const r = planRender(bytes, info, parseFitParams({ w: "300", h: "300", fit: "cover" }));
		const s = 300 / Math.min(info.width, info.height);
		expect(r.decode.width).toBe(Math.round(info.width * s));
		expect(r.decode.height).toBe(Math.round(info.height * s));
		expect(r.decode.denom).toBe(Math.min(info.width, info.height) / 8 >= 300 ? 8 : 4);
		expect(r.enlarge).toBe(false);
		// A quarter-turn EXIF tag: the geometry is in display orientation, the decode in stored.
		const turned = withExifOrientation(bytes, 6);
		const t = planRender(turned, probeImage(turned), parseFitParams({ w: "300", h: "100", fit: "cover" }));
		expect(t.fit.scaled).toEqual({ width: 300, height: Math.round(info.width * (300 / info.height)) });
		expect([t.decode.width, t.decode.height]).toEqual([t.fit.scaled.height, t.fit.scaled.width]);
	});
});

describe("canvas operations", () => {
	const gray = (w: number, h: number, v: (x: number, y: number) => number): Pixels => {
		const data = new Uint8ClampedArray(w * h * 4);
		for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([v(x, y), v(x, y), v(x, y), 255], (y * w + x) * 4);
		return { data, width: w, height: h };
	};
	const row = (p: Pixels, y: number) => Array.from({ length: p.width }, (_, x) => p.data[(y * p.width + x) * 4]!);

	it("enlarges bilinearly with pixel centres on pixel centres, clamped at the edges", () => {
		const up = enlargeRegion(
			gray(2, 1, (x) => x * 100),
			{ x: 0, y: 0, width: 2, height: 1 },
			4,
			2,
		);
		expect([up.width, up.height]).toEqual([4, 2]);
		expect(row(up, 0)).toEqual([0, 25, 75, 100]);
		expect(row(up, 1)).toEqual([0, 25, 75, 100]);
		// A region: the right half of a 4-wide ramp, doubled.
		const part = enlargeRegion(
			gray(4, 1, (x) => x * 40),
			{ x: 2, y: 0, width: 2, height: 1 },
			4,
			1,
		);
		expect(row(part, 0)).toEqual([70, 90, 110, 120]);
	});

	it("crops and pads exact rectangles", () => {
		const src = gray(5, 4, (x, y) => 10 * y + x);
		const c = cropPixels(src, { x: 1, y: 2, width: 3, height: 2 });
		expect([row(c, 0), row(c, 1)]).toEqual([
			[21, 22, 23],
			[31, 32, 33],
		]);
		const p = padPixels(c, { width: 5, height: 4 }, 1, 1, [9, 8, 7, 255]);
		expect([...p.data.subarray(0, 4)]).toEqual([9, 8, 7, 255]);
		expect(row(p, 1)).toEqual([9, 21, 22, 23, 9]);
		expect(row(p, 3)).toEqual([9, 9, 9, 9, 9]);
	});

	it("finds the most detailed window on each axis, the centre when all are equal", () => {
		const stripes = gray(20, 10, (x, y) => (x >= 4 && x < 8 && y >= 6 ? ((x + y) % 2) * 255 : 0));
		expect(detailWindow(stripes, 5, 4)).toEqual({ x: 3, y: 6 });
		expect(
			detailWindow(
				gray(20, 10, () => 50),
				6,
				4,
			),
		).toEqual({ x: 7, y: 3 });
	});
});

describe("fit, gravity and background on real pixels", () => {
	it("answers each mode at its exact size", async () => {
		const cases: [string, number, number][] = [
			["w=100", 100, 50],
			["w=100&h=100&fit=scale-down", 100, 50],
			["w=800&h=800&fit=scale-down", 400, 200],
			["w=800&h=800&fit=contain", 800, 400],
			["w=100&h=100&fit=cover", 100, 100],
			["w=800&h=600&fit=cover", 800, 600],
			["w=800&h=800&fit=crop", 400, 200],
			["w=300&h=100&fit=crop", 300, 100],
			["w=120&h=90&fit=pad", 120, 90],
			["w=60&dpr=2.5", 150, 75],
			["max_side=64", 64, 32],
		];
		for (const [query, w, h] of cases) {
			const p = await pixelsOf(await styled(halves, query));
			expect([query, p.width, p.height]).toEqual([query, w, h]);
		}
	});

	it("crops the side gravity names, and gravity=auto finds the detailed part", async () => {
		const crop = async (img: Uint8Array, q: string) => pixelsOf(await styled(img, `w=100&h=100&fit=cover&${q}`));
		const left = await crop(halves, "gravity=left");
		const right = await crop(halves, "gravity=right");
		near(mean(left, 0, 0, 100, 100), RED);
		near(mean(right, 0, 0, 100, 100), BLUE);
		const centre = await crop(halves, "gravity=center");
		near(mean(centre, 0, 0, 40, 100), RED);
		near(mean(centre, 60, 0, 40, 100), BLUE);
		// Compass names, corners and focal points land on the same windows as the side names.
		expect((await crop(halves, "gravity=west")).data).toEqual(left.data);
		expect((await crop(halves, "gravity=south-east")).data).toEqual(right.data);
		expect((await crop(halves, "gravity=0x0")).data).toEqual(left.data);
		expect((await crop(halves, "gravity=0.75x0.5")).data).toEqual(right.data);
		near(mean(await crop(tall, "gravity=north"), 0, 0, 100, 100), [30, 200, 30]);
		near(mean(await crop(tall, "gravity=bottom"), 0, 0, 100, 100), [200, 30, 200]);
		expect((await crop(detailRight, "gravity=auto")).data).toEqual((await crop(detailRight, "gravity=right")).data);
		expect((await crop(detailLeft, "gravity=auto")).data).toEqual((await crop(detailLeft, "gravity=left")).data);
		expect((await crop(halves, "gravity=auto")).data).toEqual(centre.data);
		// crop never enlarges: a 300-wide box on a 400x200 image keeps the full height, cut from the right.
		const kept = await pixelsOf(await styled(halves, "w=300&h=300&fit=crop&gravity=right"));
		expect([kept.width, kept.height]).toEqual([300, 200]);
		near(mean(kept, 0, 0, 80, 200), RED);
		near(mean(kept, 120, 0, 180, 200), BLUE);
	});

	it("enlarges for cover and contain, keeping the gravity's side", async () => {
		const big = await pixelsOf(await styled(halves, "w=800&h=800&fit=cover&gravity=left"));
		expect([big.width, big.height]).toEqual([800, 800]);
		near(mean(big, 0, 0, 780, 800), RED);
		const grown = await pixelsOf(await styled(halves, "w=800&fit=contain"));
		near(mean(grown, 0, 0, 390, 400), RED);
		near(mean(grown, 410, 0, 390, 400), BLUE);
	});

	it("crops in display orientation: a quarter-turned JPEG's stored left edge is its top", async () => {
		const data = new Uint8ClampedArray(400 * 200 * 4);
		for (let i = 0; i < 400 * 200; i++) data.set([...(i % 400 < 200 ? RED : BLUE), 255], i * 4);
		const jpeg = (await encodeImage({ data, width: 400, height: 200 }, { format: "jpeg", quality: 95 })).bytes;
		// EXIF 6: shown turned a quarter clockwise, 200x400, the stored left (red) half on top.
		const turned = withExifOrientation(jpeg, 6);
		const post = (q: string) =>
			SELF.fetch(`${BASE}/api/style/edge_preserving?format=png&w=100&h=100&fit=cover&${q}`, {
				method: "POST",
				body: turned,
				headers: { "content-type": "image/jpeg" },
			});
		const top = await pixelsOf(await post("gravity=top"));
		const bottom = await pixelsOf(await post("gravity=bottom"));
		expect([top.width, top.height, bottom.width, bottom.height]).toEqual([100, 100, 100, 100]);
		near(mean(top, 0, 0, 100, 90), RED, 12);
		near(mean(bottom, 0, 10, 100, 90), BLUE, 12);
	});

	it("pads with the background colour to exactly w x h", async () => {
		const p = await pixelsOf(await styled(halves, "w=100&h=100&fit=pad&background=%2300ff00"));
		expect([p.width, p.height]).toEqual([100, 100]);
		for (const y of [0, 10, 24, 75, 99]) for (const x of [0, 50, 99]) expect(at(p, x, y)).toEqual([0, 255, 0, 255]);
		near(mean(p, 5, 30, 40, 40), RED);
		near(mean(p, 55, 30, 40, 40), BLUE);
		const white = await pixelsOf(await styled(halves, "w=100&h=120&fit=pad"));
		expect(at(white, 50, 0)).toEqual([255, 255, 255, 255]);
		const sideways = await pixelsOf(await styled(tall, "w=100&h=100&fit=pad&background=f0a"));
		expect(at(sideways, 0, 50)).toEqual([255, 0, 170, 255]);
		expect(at(sideways, 99, 50)).toEqual([255, 0, 170, 255]);
	});

	it("keys the cache on the sizes: another size is another result", async () => {
		const a = await styled(halves, "w=100&h=100&fit=cover&gravity=left");
		const b = await styled(halves, "w=100&h=100&fit=cover&gravity=right");
		const c = await styled(halves, "w=100&h=100&fit=contain&gravity=right");
		const d = await styled(halves, "w=100&h=100&fit=contain&gravity=left");
		await Promise.all([a, b, c, d].map((r) => r.arrayBuffer()));
		expect(a.headers.get("etag")).not.toBe(b.headers.get("etag"));
		// gravity changes nothing without a crop, so it is not part of that key.
		expect(c.headers.get("etag")).toBe(d.headers.get("etag"));
	});

	it("refuses every out-of-range parameter with a 422 naming its range", async () => {
		const cases: [string, string, string][] = [
			["w=0", "w", "1 to 8192"],
			["w=9000", "w", "1 to 8192"],
			["h=1.5", "h", "1 to 8192"],
			["h=tall", "h", "1 to 8192"],
			["w=3000&dpr=3", "w", "at most 8192"],
			["dpr=0.5", "dpr", "1 to 4"],
			["dpr=5", "dpr", "1 to 4"],
			["fit=fill", "fit", "scale-down, contain, cover, crop, pad"],
			["gravity=middle", "gravity", "XxY"],
			["gravity=2x0", "gravity", "0 to 1"],
			["background=%23ggg", "background", "hex"],
			["background=12345", "background", "rrggbb"],
			["max_side=0", "max_side", "1 to 8192"],
		];
		for (const [query, parameter, range] of cases) {
			const body = await expectError(await styled(halves, query), 422, "invalid_parameter");
			const error = body.error as { message: string; details?: { parameter?: string } };
			expect([query, error.details?.parameter]).toEqual([query, parameter]);
			expect(error.message).toContain(range);
		}
	});
});
