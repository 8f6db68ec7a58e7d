// Words per line, placed from the recogniser's time steps, on the real fixtures.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { turnClockwise } from "../src/lib/orient";
import { HAN } from "../src/ocr/ctcDecode";
import type { Point, Quad } from "../src/ocr/document";
import { quadSize } from "../src/ocr/geometry";
import { ensureOcrModels, type OcrModels } from "../src/ocr/models";
import { type OcrResult, recognize } from "../src/ocr/pipeline";
import { wordRuns } from "../src/ocr/words";
import labelBoxes from "./fixtures/ocr/dev_en_label_01.boxes.json";
import receiptBoxes from "./fixtures/ocr/dev_en_receipt_01.boxes.json";
import { decodeFixture, fixture, OCR_FIXTURES } from "./helpers/ocrFixtures";

let models: OcrModels;
beforeAll(async () => {
	models = await ensureOcrModels(env.MODELS);
});

const read = async (name: string, options = {}) => recognize(await decodeFixture(fixture(name)), options, models);

const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
const lerp = (a: Point, b: Point, f: number): Point => [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
const centreOf = (q: Quad): Point => [(q[0][0] + q[2][0]) / 2, (q[0][1] + q[2][1]) / 2];

/** Signed distance of p inside the convex quad (positive inside), the nearest edge's. */
function depthInside(p: Point, q: Quad): number {
	let depth = Number.POSITIVE_INFINITY;
	for (let i = 0; i < 4; i++) {
		const a = q[i]!;
		const b = q[(i + 1) % 4]!;
		const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
		// Clockwise in image coordinates (y down): the inside is to the right of each edge.
		depth = Math.min(depth, ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len);
	}
	return depth;
}

/** Position of p along the line's reading direction (top-left to top-right). */
function along(line: Quad, p: Point): number {
	const [a, b] = line;
	const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
	return ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / len;
}

/** `reading` -1: the page is read upside down, so its words run right to left in the image. */
function checkWords(result: OcrResult, name: string, reading = 1) {
	for (const line of result.lines) {
		expect(line.words.length, `${name}: "${line.text}"`).toBeGreaterThan(0);
		expect(line.words.map((w) => w.text).join(""), name).toBe(line.text.replace(/\s+/g, ""));
		let previous = Number.NEGATIVE_INFINITY;
		for (const w of line.words) {
			for (const corner of w.box) expect(depthInside(corner, line.box), `${name}: ${w.text}`).toBeGreaterThan(-0.5);
			expect(w.confidence).toBeGreaterThan(0);
			expect(w.confidence).toBeLessThanOrEqual(1);
			const at = reading * along(line.box, centreOf(w.box));
			expect(at, `${name}: ${w.text} after its predecessor`).toBeGreaterThan(previous);
			previous = at;
		}
	}
}

describe("words", () => {
	it("lie inside their line, spell it without its spaces, and run left to right, on every fixture", async () => {
		for (const f of OCR_FIXTURES) checkWords(await recognize(await decodeFixture(f), {}, models), f.name);
	});

	// Both fixtures are set in monospaced fonts (FreeMono, Hack), so a word of characters a..b of an
	// n-character segment spans a/n..b/n of the segment's ink box: the expectation comes from the
	// ground truth, with half a character of tolerance at each end.
	it.each([
		["dev_en_receipt_01", receiptBoxes],
		["dev_en_label_01", labelBoxes],
	])("cover the printed words of %s", async (name, truth) => {
		const words = (await read(name)).lines.flatMap((l) => l.words);
		let checked = 0;
		for (const segment of truth.lines.flatMap((l) => l.segments)) {
			const [p0, p1, p2, p3] = segment.poly as Quad;
			const n = segment.text.length;
			const cell = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) / n;
			for (const m of segment.text.matchAll(/\S+/g)) {
				const from = m.index / n;
				const to = (m.index + m[0].length) / n;
				const start = mid(lerp(p0, p1, from), lerp(p3, p2, from));
				const end = mid(lerp(p0, p1, to), lerp(p3, p2, to));
				const centre = mid(start, end);
				const found = words
					.filter((w) => w.text === m[0])
					.sort(
						(a, b) =>
							Math.hypot(centreOf(a.box)[0] - centre[0], centreOf(a.box)[1] - centre[1]) -
							Math.hypot(centreOf(b.box)[0] - centre[0], centreOf(b.box)[1] - centre[1]),
					)[0];
				expect(found, `${name}: "${m[0]}" read as a word`).toBeDefined();
				const box = found!.box;
				expect(depthInside(centre, box), `${name}: "${m[0]}" covers its centre`).toBeGreaterThan(0);
				const line = segment.poly as Quad;
				expect(Math.abs(along(line, mid(box[0], box[3])) - along(line, start)), `${m[0]} start`).toBeLessThan(cell / 2);
				expect(Math.abs(along(line, mid(box[1], box[2])) - along(line, end)), `${m[0]} end`).toBeLessThan(cell / 2);
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(20);
	});

	it("follow a line turned half a turn back to where it is printed", async () => {
		const upright = await read("dev_en_para_02");
		const img = await decodeFixture(fixture("dev_en_para_02"));
		const turned = await recognize(turnClockwise(img, 180), { classify: true }, models);
		checkWords(turned, "turned", -1);
		const back = (p: Point): Point => [img.width - 1 - p[0], img.height - 1 - p[1]];
		// The detector's boxes differ by a pixel or two between the two reads; a word placed without
		// undoing the turn would land a whole word or more away.
		const uprightWords = upright.lines.flatMap((l) =>
			l.words.map((w) => ({ ...w, tolerance: quadSize(l.box).height / 4 })),
		);
		const turnedWords = turned.lines.flatMap((l) => l.words);
		expect(turnedWords.map((w) => w.text)).toEqual(uprightWords.map((w) => w.text));
		turnedWords.forEach((w, i) => {
			const c = back(centreOf(w.box));
			const u = centreOf(uprightWords[i]!.box);
			expect(Math.hypot(c[0] - u[0], c[1] - u[1]), w.text).toBeLessThan(uprightWords[i]!.tolerance);
		});
	});

	it("follow text written top to bottom", async () => {
		const img = await decodeFixture(fixture("dev_real_tjs_simple"));
		const column = await recognize(turnClockwise(img, 90), {}, models);
		checkWords(column, "column");
		const [word] = column.lines[0]!.words;
		// The word runs down the column: its box is tall, like the line's.
		const xs = word!.box.map((p) => p[0]);
		const ys = word!.box.map((p) => p[1]);
		expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(3 * (Math.max(...xs) - Math.min(...xs)));
	});

	it("make one word of each run of CJK characters, split from Latin text beside it", async () => {
		const g = (text: string, t: number) => ({ text, first: t, last: t, p: 0.9 });
		const runs = wordRuns([
			g("地", 0),
			g("铁", 2),
			g("2", 4),
			g("号", 6),
			g("线", 8),
			g("L", 10),
			g("i", 11),
			g(" ", 12),
			g("2", 13),
		]);
		expect(runs.map((r) => r.map((x) => x.text).join(""))).toEqual(["地铁", "2", "号线", "Li", "2"]);
		for (const name of ["dev_zh_mixed_01", "dev_zh_para_01", "dev_zh_para_02"]) {
			for (const line of (await read(name)).lines) {
				const words = line.words.map((w) => w.text);
				for (const w of words) {
					const han = [...w].map((ch) => HAN.test(ch));
					expect(
						han.every((h) => h === han[0]),
						`${name}: ${w}`,
					).toBe(true);
				}
				// Two CJK words in a row only where the line has a space between them.
				for (let i = 1; i < words.length; i++) {
					if (HAN.test(words[i - 1]!.at(-1)!) && HAN.test(words[i]![0]!)) {
						expect(line.text).toContain(`${words[i - 1]} `);
					}
				}
			}
		}
	});
});
