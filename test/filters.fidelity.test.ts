import { describe, expect, it } from "vitest";
import { decodeImage, probeImage } from "../src/codecs";
import { applyFilter, type FilterParams } from "../src/filters";
import type { Pixels } from "../src/lib/pixels";
import appleIn from "./fixtures/npr/apple.input.png";
import appleOil from "./fixtures/npr/apple.oil.png";
import appleColor from "./fixtures/npr/apple.pencil_color.png";
import appleGray from "./fixtures/npr/apple.pencil_gray.png";
import appleStyle from "./fixtures/npr/apple.stylize.png";
import orangeIn from "./fixtures/npr/orange.input.png";
import orangeOil from "./fixtures/npr/orange.oil.png";
import orangeColor from "./fixtures/npr/orange.pencil_color.png";
import orangeGray from "./fixtures/npr/orange.pencil_gray.png";
import orangeStyle from "./fixtures/npr/orange.stylize.png";
import toolsDetail from "./fixtures/npr/tools.detail.png";
import toolsNC from "./fixtures/npr/tools.edge_nc.png";
import toolsRF from "./fixtures/npr/tools.edge_rf.png";
import toolsIn from "./fixtures/npr/tools.input.png";
import toolsOil from "./fixtures/npr/tools.oil.png";
import toolsColor from "./fixtures/npr/tools.pencil_color.png";
import toolsGray from "./fixtures/npr/tools.pencil_gray.png";
import toolsStyle from "./fixtures/npr/tools.stylize.png";
import { psnr, ssimGray } from "./helpers/metrics";

async function png(buf: ArrayBuffer): Promise<Pixels> {
	const bytes = new Uint8Array(buf);
	return decodeImage(bytes, probeImage(bytes));
}

const PHOTOS = {
	apple: { input: appleIn, sketch: appleGray, color_sketch: appleColor, watercolor: appleStyle, oil: appleOil },
	orange: { input: orangeIn, sketch: orangeGray, color_sketch: orangeColor, watercolor: orangeStyle, oil: orangeOil },
	tools: { input: toolsIn, sketch: toolsGray, color_sketch: toolsColor, watercolor: toolsStyle, oil: toolsOil },
};

// The bar, met on every reference photo: SSIM >= 0.98, PSNR >= 32 dB.
async function expectMatches(input: ArrayBuffer, ref: ArrayBuffer, name: string, params: Partial<FilterParams> = {}) {
	const src = await png(input);
	const want = await png(ref);
	const got = applyFilter(name, src, params);
	expect(got.width).toBe(want.width);
	expect(got.height).toBe(want.height);
	const s = ssimGray(got, want);
	const p = psnr(got, want);
	expect(s, `${name} SSIM`).toBeGreaterThanOrEqual(0.98);
	expect(p, `${name} PSNR`).toBeGreaterThanOrEqual(32);
	return { ssim: s, psnr: p };
}

describe("filters match OpenCV 4.6 on the reference photos", () => {
	for (const [photo, refs] of Object.entries(PHOTOS)) {
		for (const name of ["sketch", "color_sketch", "watercolor", "oil"] as const) {
			it(`${name} on ${photo}`, async () => {
				await expectMatches(refs.input, refs[name], name);
			});
		}
	}

	it("edge_preserving, recursive filter (flags=1) on tools", async () => {
		await expectMatches(toolsIn, toolsRF, "edge_preserving", { flags: 1 });
	});

	it("edge_preserving, normalized convolution (flags=2) on tools", async () => {
		await expectMatches(toolsIn, toolsNC, "edge_preserving", { flags: 2 });
	});

	it("detail_enhance on tools", async () => {
		await expectMatches(toolsIn, toolsDetail, "detail_enhance");
	});

	it("a changed parameter changes the result (the references are not matched by accident)", async () => {
		const src = await png(toolsIn);
		const want = await png(toolsGray);
		const got = applyFilter("sketch", src, { shade_factor: 0.05 });
		expect(psnr(got, want)).toBeLessThan(32);
	});
});
