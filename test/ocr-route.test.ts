// POST /api/ocr through the whole app: intake forms, EXIF orientation, options and errors.
import { describe, expect, it } from "vitest";
import { encodeImage } from "../src/codecs";
import { turnClockwise } from "../src/lib/orient";
import { expectError, expectOk, post, postImage } from "./helpers/api";
import { cer } from "./helpers/cer";
import { withExifOrientation } from "./helpers/images";
import { decodeFixture, fixture } from "./helpers/ocrFixtures";

interface OcrData {
	text: string;
	orientation: number;
	lines: { text: string; confidence: number; box: number[][]; words: { text: string; box: number[][] }[] }[];
	width: number;
	height: number;
	model: { name: string; version: string };
	timings: Record<string, number>;
}

const bytesOf = (name: string) => new Uint8Array(fixture(name).bytes);

describe("POST /api/ocr", () => {
	it("reads a multipart upload and answers text, lines, size, model and timings", async () => {
		const form = new FormData();
		form.append("file", new Blob([bytesOf("dev_en_receipt_01")], { type: "image/jpeg" }), "receipt.jpg");
		const data = (await expectOk(await post("/api/ocr", form))) as unknown as OcrData;
		expect(cer(data.text, fixture("dev_en_receipt_01").truth).cer).toBeLessThanOrEqual(0.03);
		expect([data.width, data.height]).toEqual([506, 437]);
		expect(data.model.version).toMatch(/^det:[0-9a-f]{12},cls:[0-9a-f]{12},rec:[0-9a-f]{12}$/);
		for (const k of ["decode", "det", "cls", "rec", "post", "total"]) expect(typeof data.timings[k]).toBe("number");
		expect(data.orientation).toBe(0);
		const rounded = (v: number) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6;
		for (const line of data.lines) {
			expect(line.box).toHaveLength(4);
			expect(line.words.map((w) => w.text).join(" ")).toBe(line.text.replace(/\s+/g, " "));
			for (const w of line.words) {
				expect(w.box).toHaveLength(4);
				expect(w.box.flat().every(rounded)).toBe(true);
			}
			for (const [x, y] of line.box) {
				expect(x).toBeGreaterThanOrEqual(0);
				expect(x).toBeLessThan(506);
				expect(y).toBeGreaterThanOrEqual(0);
				expect(y).toBeLessThan(437);
			}
		}
	});

	it("reads a photo the way its EXIF orientation shows it, with boxes in displayed coordinates", async () => {
		// Store the label turned a quarter counter-clockwise and tag it 6 ("turn clockwise to view"),
		// as a phone held sideways does: the displayed image is the upright label again.
		const f = fixture("dev_en_label_01");
		const stored = turnClockwise(await decodeFixture(f), 270);
		const jpeg = (await encodeImage(stored, { format: "jpeg", quality: 92 })).bytes;
		const data = (await expectOk(
			await postImage("/api/ocr", withExifOrientation(jpeg, 6), "image/jpeg"),
		)) as unknown as OcrData;
		expect([data.width, data.height]).toEqual([454, 242]);
		// The EXIF turn made the label upright: it is not turned again.
		expect(data.orientation).toBe(0);
		expect(cer(data.text, f.truth).cer).toBeLessThanOrEqual(0.03);
		const ship = data.lines.find((l) => l.text.startsWith("SHIP"));
		expect(ship).toBeDefined();
		// The first line of the label sits in its top-left quarter as displayed, and so do its words.
		for (const [x, y] of ship!.box) expect(x < 454 / 2 && y < 242 / 2).toBe(true);
		const [shipWord, toWord] = ship!.words;
		expect(shipWord!.text).toBe("SHIP");
		for (const [x, y] of [...shipWord!.box, ...toWord!.box]) expect(x < 454 / 2 && y < 242 / 2).toBe(true);
		// Word boxes are in the same displayed frame as the line: "SHIP" starts where the line does.
		expect(Math.abs(shipWord!.box[0]![0]! - ship!.box[0]![0]!)).toBeLessThan(8);
		expect(toWord!.box[0]![0]!).toBeGreaterThan(shipWord!.box[1]![0]!);
	});

	it("reads a photo lying sideways with no EXIF tag upright, with boxes in the image as sent", async () => {
		// The label turned a quarter clockwise, its text running down the image, and no tag saying so.
		const f = fixture("dev_en_label_01");
		const png = await encodeImage(turnClockwise(await decodeFixture(f), 90), { format: "png", quality: 100 });
		const data = (await expectOk(await postImage("/api/ocr", png.bytes, "image/png"))) as unknown as OcrData;
		expect(data.orientation).toBe(270);
		expect([data.width, data.height]).toEqual([242, 454]);
		expect(cer(data.text, f.truth).cer).toBeLessThanOrEqual(0.03);
		expect(data.text.split("\n")[0]).toBe("SHIP TO:");
		// The label's top-left corner is now the image's top-right: its first line and words are there.
		const ship = data.lines[0]!;
		for (const [x, y] of [...ship.box, ...ship.words.flatMap((w) => w.box)]) {
			expect(x > 242 / 2 && y < 454 / 2).toBe(true);
		}
		// Read downwards: "TO:" lies below "SHIP".
		const [shipWord, toWord] = ship.words;
		expect(Math.min(...toWord!.box.map((p) => p[1]!))).toBeGreaterThan(
			Math.max(...shipWord!.box.map((p) => p[1]!)) - 1,
		);
	});

	it("answers an image without text with empty lines, not an error", async () => {
		const data = new Uint8ClampedArray(200 * 120 * 4).fill(230);
		const png = await encodeImage({ data, width: 200, height: 120 }, { format: "png", quality: 100 });
		const out = (await expectOk(await postImage("/api/ocr", png.bytes, "image/png"))) as unknown as OcrData;
		expect(out.lines).toEqual([]);
		expect(out.text).toBe("");
	});

	it("takes options from the query and refuses bad ones with 422", async () => {
		const img = bytesOf("dev_real_tjs_simple");
		const data = (await expectOk(
			await postImage("/api/ocr?classify=false&min_confidence=0.2", img, "image/png"),
		)) as unknown as OcrData;
		expect(data.text).toBe("Tesseract.js");
		await expectError(await postImage("/api/ocr?det_limit_side=5", img, "image/png"), 422, "invalid_parameter");
		await expectError(await postImage("/api/ocr?classify=maybe", img, "image/png"), 422, "invalid_parameter");
		await expectError(
			await postImage("/api/ocr", new TextEncoder().encode("not an image"), "image/png"),
			415,
			"unsupported_format",
		);
	});
});
