import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { decodeImage, probeImage } from "../src/codecs";
import { BASE } from "./helpers/api";
import { COLOR, makePng } from "./helpers/png";

async function styled(name: string, png: Uint8Array, query = "format=png") {
	const res = await SELF.fetch(`${BASE}/api/style/${name}?${query}`, {
		method: "POST",
		body: png,
		headers: { "content-type": "image/png" },
	});
	const bytes = new Uint8Array(await res.arrayBuffer());
	if (res.status !== 200) throw new Error(`${name}: ${res.status} ${new TextDecoder().decode(bytes)}`);
	const info = probeImage(bytes);
	return { info, pixels: await decodeImage(bytes, info) };
}

const gradient = (x: number, y: number) => (x * 7 + y * 3) % 256;

describe("styled previews of every PNG colour type", () => {
	it("accepts gray, gray+alpha, palette, RGB and 16-bit PNGs", async () => {
		const inputs = {
			gray: await makePng({ width: 40, height: 30, colorType: COLOR.gray, samples: (x, y) => [gradient(x, y)] }),
			grayAlpha: await makePng({
				width: 40,
				height: 30,
				colorType: COLOR.grayAlpha,
				samples: (x, y) => [gradient(x, y), 200],
			}),
			palette: await makePng({
				width: 40,
				height: 30,
				colorType: COLOR.palette,
				palette: [
					[255, 0, 0],
					[0, 128, 255],
					[250, 250, 250],
				],
				samples: (x, y) => [(x >> 3) % 3 === y % 3 ? 0 : (x + y) % 3],
			}),
			rgb16: await makePng({
				width: 40,
				height: 30,
				colorType: COLOR.rgb,
				bitDepth: 16,
				samples: (x, y) => [gradient(x, y) * 257, 30000, 65535 - gradient(x, y) * 200],
			}),
		};
		for (const [kind, png] of Object.entries(inputs)) {
			for (const name of ["sketch", "oil", "watercolor"]) {
				const { info, pixels } = await styled(name, png);
				expect([kind, name, info.width, info.height]).toEqual([kind, name, 40, 30]);
				expect(pixels.data.length).toBe(40 * 30 * 4);
			}
		}
	});

	it("keeps the alpha channel of an RGBA input", async () => {
		const png = await makePng({
			width: 24,
			height: 16,
			colorType: COLOR.rgba,
			samples: (x, y) => [200, gradient(x, y), 40, x < 12 ? 255 : 60],
		});
		const { pixels } = await styled("color_sketch", png);
		expect(pixels.data[3]).toBe(255);
		expect(pixels.data[(5 * 24 + 20) * 4 + 3]).toBe(60);
	});

	it("styles odd sizes: 1x1, 1xN, Nx1, 7x3 and widths off multiples of 4 and 16", async () => {
		for (const [w, h] of [
			[1, 1],
			[1, 9],
			[9, 1],
			[7, 3],
			[17, 5],
			[33, 6],
		] as const) {
			const png = await makePng({ width: w, height: h, colorType: COLOR.rgb, samples: (x, y) => [x * 20, y * 30, 90] });
			for (const name of ["sketch", "color_sketch", "oil", "watercolor", "edge_preserving", "detail_enhance"]) {
				const { info } = await styled(name, png);
				expect([name, info.width, info.height]).toEqual([name, w, h]);
			}
		}
	});
});
