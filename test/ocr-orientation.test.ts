// Whole-page orientation: fixtures turned by the test, read upright, boxes in the turned image.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { turnClockwise } from "../src/lib/orient";
import type { Pixels } from "../src/lib/pixels";
import type { Point, Quad } from "../src/ocr/document";
import { quadSize } from "../src/ocr/geometry";
import { ensureOcrModels, type OcrModels } from "../src/ocr/models";
import { recognize } from "../src/ocr/pipeline";
import { cer } from "./helpers/cer";
import { decodeFixture, fixture, OCR_FIXTURES, TURNED_READS } from "./helpers/ocrFixtures";

let models: OcrModels;
beforeAll(async () => {
	models = await ensureOcrModels(env.MODELS);
});

type Turn = 90 | 180 | 270;

/** Where pixel p of `img` lands once the image is turned `turn` degrees clockwise. */
function turnPoint(img: Pixels, turn: Turn, [x, y]: Point): Point {
	if (turn === 90) return [img.height - 1 - y, x];
	if (turn === 180) return [img.width - 1 - x, img.height - 1 - y];
	return [y, img.width - 1 - x];
}

const centreOf = (q: Quad): Point => [(q[0][0] + q[2][0]) / 2, (q[0][1] + q[2][1]) / 2];
const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe("page orientation", () => {
	it.each(TURNED_READS.map(([name, turn]) => [name, turn] as [string, Turn]))(
		"reads %s turned %s degrees upright, boxes where the turned image has them",
		async (name, turn) => {
			const f = fixture(name);
			const img = await decodeFixture(f);
			const upright = await recognize(img, {}, models);
			const turned = await recognize(turnClockwise(img, turn), {}, models);
			expect(turned.orientation).toBe((360 - turn) % 360);
			expect([turned.width, turned.height]).toEqual(turn === 180 ? [img.width, img.height] : [img.height, img.width]);
			expect(cer(turned.text, f.truth).cer).toBeLessThanOrEqual(Math.max(0.03, cer(upright.text, f.truth).cer));
			// The two reads see different pixels (the detector's copy is scaled after the turn), so a line
			// may differ by a character; the lines read alike must be in the same order, each where the turn
			// put the upright one, and so must their words.
			// Matched in order, so a text printed twice ("$47.71") pairs with its own line.
			const alike: typeof turned.lines = [];
			const order: number[] = [];
			for (const l of turned.lines) {
				const at = upright.lines.findIndex((u, k) => u.text === l.text && k > (order[order.length - 1] ?? -1));
				if (at < 0) continue;
				alike.push(l);
				order.push(at);
			}
			expect(alike.length).toBeGreaterThanOrEqual(0.8 * upright.lines.length);
			alike.forEach((line, i) => {
				const u = upright.lines[order[i]!]!;
				const tolerance = quadSize(u.box).height / 4;
				expect(distance(centreOf(line.box), turnPoint(img, turn, centreOf(u.box))), line.text).toBeLessThan(tolerance);
				expect(line.words.map((w) => w.text)).toEqual(u.words.map((w) => w.text));
				line.words.forEach((w, k) => {
					const expected = turnPoint(img, turn, centreOf(u.words[k]!.box));
					expect(distance(centreOf(w.box), expected), w.text).toBeLessThan(tolerance);
				});
			});
		},
	);

	it("leaves every upright fixture as it is", async () => {
		for (const f of OCR_FIXTURES) {
			expect((await recognize(await decodeFixture(f), {}, models)).orientation, f.name).toBe(0);
		}
	});

	it("reads the page as displayed when the classifier is off", async () => {
		const img = turnClockwise(await decodeFixture(fixture("dev_en_para_02")), 90);
		expect((await recognize(img, { classify: false }, models)).orientation).toBe(0);
	});
});
