// Pure pre/post-processing of the OCR pipeline, without ORT.
import { describe, expect, it } from "vitest";
import { boxScore, dbBoxes } from "../src/ocr/dbPostprocess";
import { detInputSize, detTensor, planTiles, stitch } from "../src/ocr/detPreprocess";
import { convexHull, minAreaRect, orderQuad, type Point, type Quad, quadSize, unclip } from "../src/ocr/geometry";
import { readingOrder } from "../src/ocr/readingOrder";
import paraBoxes from "./fixtures/ocr/dev_en_para_02.boxes.json";
import receiptBoxes from "./fixtures/ocr/dev_en_receipt_01.boxes.json";
import mixedBoxes from "./fixtures/ocr/dev_zh_mixed_01.boxes.json";

interface Segment {
	text: string;
	poly: number[][];
}
interface BoxesFile {
	width: number;
	height: number;
	lines: { text: string; segments: Segment[] }[];
}

const rotate = (p: Point, deg: number, c: Point): Point => {
	const a = (deg * Math.PI) / 180;
	const [x, y] = [p[0] - c[0], p[1] - c[1]];
	return [c[0] + x * Math.cos(a) - y * Math.sin(a), c[1] + x * Math.sin(a) + y * Math.cos(a)];
};

describe("geometry", () => {
	it("hull drops interior points", () => {
		const pts: Point[] = [
			[0, 0],
			[10, 0],
			[10, 10],
			[0, 10],
			[5, 5],
			[2, 7],
			[10, 5],
		];
		expect(convexHull(pts)).toHaveLength(4);
	});

	it("finds the rotated rectangle around a rotated point cloud and orders its corners", () => {
		const pts: Point[] = [];
		for (let x = 0; x <= 100; x += 5) for (let y = 0; y <= 20; y += 5) pts.push(rotate([x, y], 20, [0, 0]));
		const r = minAreaRect(pts);
		expect(r.long).toBeCloseTo(100, 6);
		expect(r.short).toBeCloseTo(20, 6);
		const [tl, tr, br, bl] = r.quad;
		expect(tl[0]).toBeLessThan(tr[0]);
		expect(bl[1]).toBeGreaterThan(tl[1]);
		expect(br[1]).toBeGreaterThan(tr[1]);
		expect(Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * (180 / Math.PI)).toBeCloseTo(20, 6);
	});

	it("orders shuffled corners clockwise from the top-left", () => {
		const q = orderQuad([
			[50, 30],
			[0, 2],
			[0, 30],
			[50, 0],
		]);
		expect(q).toEqual([
			[0, 2],
			[50, 0],
			[50, 30],
			[0, 30],
		]);
	});

	it("unclips by area x ratio / perimeter on every side", () => {
		// 100x20: area 2000, perimeter 240, ratio 1.5 -> 12.5 px outward.
		const grown = minAreaRect(
			unclip(
				[
					[0, 0],
					[100, 0],
					[100, 20],
					[0, 20],
				],
				1.5,
			),
		);
		expect(grown.long).toBeCloseTo(125, 9);
		expect(grown.short).toBeCloseTo(45, 9);
		expect(grown.quad[0][0]).toBeCloseTo(-12.5, 9);
		expect(grown.quad[0][1]).toBeCloseTo(-12.5, 9);
	});
});

describe("DB post-processing", () => {
	function map(width: number, height: number, rects: [number, number, number, number, number][]) {
		const data = new Float32Array(width * height);
		for (const [x0, y0, x1, y1, p] of rects)
			for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = p;
		return { data, width, height };
	}

	it("keeps confident regions, drops faint and tiny ones, and grows kernels back", () => {
		const m = map(200, 100, [
			[20, 20, 120, 30, 0.95], // a text kernel 100x10
			[20, 60, 120, 70, 0.45], // above the binarisation threshold, below the box threshold
			[150, 80, 152, 82, 0.99], // 2x2 speck
		]);
		const boxes = dbBoxes(m);
		expect(boxes).toHaveLength(1);
		const box = boxes[0]!;
		expect(box.score).toBeCloseTo(0.95, 2);
		// Kernel pixels 20..119 x 20..29: 99 x 9 between centres; unclip adds 1.5*891/216 = 6.19 a side.
		const { width, height } = quadSize(box.quad);
		expect(width).toBeCloseTo(99 + 2 * ((1.5 * 99 * 9) / (2 * (99 + 9))), 4);
		expect(height).toBeCloseTo(9 + 2 * ((1.5 * 99 * 9) / (2 * (99 + 9))), 4);
	});

	it("scores a box by the mean probability inside it", () => {
		const m = map(50, 20, [[0, 0, 25, 20, 1]]);
		const q: Quad = [
			[10, 5],
			[39, 5],
			[39, 14],
			[10, 14],
		];
		expect(boxScore(m, q)).toBeCloseTo(0.5, 6);
	});

	it("clips boxes to the map", () => {
		const boxes = dbBoxes(map(100, 40, [[0, 0, 60, 8, 0.9]]));
		for (const [x, y] of boxes[0]!.quad) {
			expect(x).toBeGreaterThanOrEqual(0);
			expect(y).toBeGreaterThanOrEqual(0);
		}
	});
});

describe("detection input", () => {
	it("scales to multiples of 32 under the side limit and enlarges only on request", () => {
		expect(detInputSize(4000, 3000, 960)).toEqual({ width: 960, height: 736 });
		expect(detInputSize(206, 182, 960)).toEqual({ width: 192, height: 192 });
		expect(detInputSize(206, 182, 960, 640)).toEqual({ width: 640, height: 576 });
		expect(detInputSize(10, 5, 960)).toEqual({ width: 32, height: 32 });
	});

	it("tiles a large input into bounded, aligned, overlapping tiles that own every pixel once", () => {
		const [w, h, maxArea, overlap] = [1920, 1088, 576 * 576, 96];
		const tiles = planTiles(w, h, maxArea, overlap);
		expect(tiles.length).toBeGreaterThan(1);
		const owners = new Uint8Array(w * h);
		for (const t of tiles) {
			expect(t.width * t.height).toBeLessThanOrEqual(maxArea);
			expect(t.x % 32).toBe(0);
			expect(t.y % 32).toBe(0);
			expect(t.x + t.width).toBeLessThanOrEqual(w);
			expect(t.y + t.height).toBeLessThanOrEqual(h);
			for (let y = t.own.y0; y < t.own.y1; y++) for (let x = t.own.x0; x < t.own.x1; x++) owners[y * w + x]! += 1;
		}
		expect(owners.every((n) => n === 1)).toBe(true);
		const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
		const tw = tiles[0]!.width;
		for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + tw - xs[i]!).toBeGreaterThanOrEqual(overlap);
	});

	it("stitches each tile's owned part into the full map", () => {
		const [w, h] = [1280, 320];
		const tiles = planTiles(w, h, 512 * 320, 64);
		const full = new Float32Array(w * h);
		tiles.forEach((t, i) => {
			stitch(full, w, t, new Float32Array(t.width * t.height).fill(i + 1));
		});
		tiles.forEach((t, i) => {
			expect(full[t.own.y0 * w + t.own.x0]).toBe(i + 1);
			expect(full[(t.own.y1 - 1) * w + t.own.x1 - 1]).toBe(i + 1);
		});
	});

	it("normalises in B, G, R order with PaddleOCR's detection statistics", () => {
		const image = { data: new Uint8ClampedArray([255, 0, 0, 255]), width: 1, height: 1 };
		const t = detTensor(image, { x: 0, y: 0, width: 1, height: 1 });
		expect(t[0]).toBeCloseTo((0 - 0.485) / 0.229, 5);
		expect(t[1]).toBeCloseTo((0 - 0.456) / 0.224, 5);
		expect(t[2]).toBeCloseTo((1 - 0.406) / 0.225, 5);
	});
});

describe("reading order on the fixtures' ground-truth boxes", () => {
	function check(file: BoxesFile, degrees: number) {
		const centre: Point = [file.width / 2, file.height / 2];
		const segments = file.lines.flatMap((l) => l.segments);
		// Shuffle deterministically so the input order carries no hint.
		const shuffled = segments
			.map((s, i) => ({ s, k: (i * 7919) % 101 }))
			.sort((a, b) => a.k - b.k)
			.map((x) => x.s);
		const quads = shuffled.map((s) => orderQuad(s.poly.map((p) => rotate([p[0]!, p[1]!], degrees, centre))));
		const rows = readingOrder(quads).map((row) => row.map((i) => shuffled[i]!.text).join(" "));
		expect(rows.map((r) => r.replace(/\s+/g, " "))).toEqual(file.lines.map((l) => l.text.replace(/\s+/g, " ")));
	}

	it("puts receipt cells (item, price) on one row, rows top to bottom", () => check(receiptBoxes as BoxesFile, 0));
	it("tolerates a page photographed at a slant", () => {
		check(receiptBoxes as BoxesFile, 4);
		check(paraBoxes as BoxesFile, -6);
	});
	it("orders a mixed-script sign", () => check(mixedBoxes as BoxesFile, 0));
});
