import nodeZlibModule from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { decodePng } from "../src/codecs/png";
import { PNG_CHANNELS, pngStreamBytes, readPngInfo } from "../src/codecs/png/chunks";
import { WINDOW } from "../src/codecs/png/kernel";
import { concatAll } from "./helpers/bytes";
import { COLOR, chunks, makePng, pngAround, zlib } from "./helpers/png";

const MiB = 1 << 20;
const scope = globalThis as unknown as { DecompressionStream: typeof DecompressionStream };
const Native = scope.DecompressionStream;
const nodeZlib = nodeZlibModule as unknown as { createInflate: (...args: unknown[]) => unknown };
const createInflate = nodeZlib.createInflate;

afterEach(() => {
	scope.DecompressionStream = Native;
	nodeZlib.createInflate = createInflate;
});

/** Hides node:zlib's binding from the decoder, so it takes the DecompressionStream path. */
function withoutZlib(): void {
	nodeZlib.createInflate = () => ({});
}

/** Records what every call into node:zlib's binding inflated (its output buffer's length less what it left free). */
function recordZlibSteps(): number[] {
	const steps: number[] = [];
	nodeZlib.createInflate = (...args: unknown[]) => {
		const z = createInflate(...args) as { _handle: { writeSync: (...a: unknown[]) => void }; _writeState: Uint32Array };
		const handle = z._handle;
		const writeSync = handle.writeSync.bind(handle);
		handle.writeSync = (...a: unknown[]) => {
			writeSync(...a);
			steps.push((a[6] as number) - z._writeState[0]!);
		};
		return z;
	};
	return steps;
}

/** Rows of a W x H RGB image (filter 0): random bytes in the upper half, zeros in the lower. */
function noiseAboveFlat(W: number, H: number): Uint8Array[] {
	const rows: Uint8Array[] = [];
	for (let y = 0; y < H; y++) {
		const row = new Uint8Array(1 + W * 3);
		if (y < H / 2) {
			for (let o = 1; o < row.length; o += 65536)
				crypto.getRandomValues(row.subarray(o, Math.min(row.length, o + 65536)));
		}
		rows.push(row);
	}
	return rows;
}

/** Replaces DecompressionStream with one that records the size of every write; returns the list. */
function recordWrites(): number[] {
	const sizes: number[] = [];
	class Recording {
		readonly readable: ReadableStream<Uint8Array>;
		readonly writable: WritableStream<Uint8Array>;
		constructor(format: ConstructorParameters<typeof DecompressionStream>[0]) {
			const ds = new Native(format);
			const w = ds.writable.getWriter();
			this.readable = ds.readable;
			this.writable = new WritableStream({
				write: (chunk) => {
					sizes.push(chunk.length);
					return w.write(chunk);
				},
				close: () => w.close(),
				abort: (reason) => w.abort(reason),
			});
		}
	}
	scope.DecompressionStream = Recording as unknown as typeof DecompressionStream;
	return sizes;
}

const idle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The most any one of these writes of `z` inflates to, each read out whole before the next. */
async function largestInflation(z: Uint8Array, sizes: number[]): Promise<number> {
	const ds = new Native("deflate");
	const writer = ds.writable.getWriter();
	const reader = ds.readable.getReader();
	let out = 0;
	const reading = (async () => {
		for (;;) {
			const r = await reader.read();
			if (r.done) return;
			out += r.value.length;
		}
	})();
	reading.catch(() => {});
	let largest = 0;
	let at = 0;
	for (const size of sizes) {
		const before = out;
		await writer.write(z.subarray(at, at + size));
		at += size;
		for (let seen = -1; seen !== out; ) {
			seen = out;
			await idle();
		}
		largest = Math.max(largest, out - before);
	}
	writer.abort().catch(() => {});
	return largest;
}

describe("the inflate driver", () => {
	it("inflates a zlib stream that runs on past the last row (a zip bomb's tail) a little at a time", async () => {
		// 500 x 500 RGB of noise (it compresses at about 1:1, so slices grow to their largest),
		// then 64 MiB of zeros in the same stream: 65 KB more, at deflate's ratio of about 1000.
		const W = 500;
		const H = 500;
		const rows = new Uint8Array(H * (1 + W * 3));
		for (let o = 0; o < rows.length; o += 65536) crypto.getRandomValues(rows.subarray(o, o + 65536));
		for (let y = 0; y < H; y++) rows[y * (1 + W * 3)] = 0;
		const zeros = new Uint8Array(MiB);
		const plain = pngAround(W, H, COLOR.rgb, await zlib([rows]));
		const z = await zlib([rows, ...Array.from({ length: 64 }, () => zeros)]);
		const bomb = pngAround(W, H, COLOR.rgb, z);
		const want = await decodePng(plain, W, H);
		const steps = recordZlibSteps();
		expect((await decodePng(bomb, W, H)).data).toEqual(want.data);
		// node:zlib's binding: one window a call, and it stops at the row that completes the image.
		// The bounded path is the one taken in workerd (an empty record would mean the fallback ran).
		expect(steps.length).toBeGreaterThan(0);
		expect(Math.max(...steps)).toBeLessThanOrEqual(WINDOW);
		expect(steps.reduce((a, b) => a + b, 0)).toBeLessThan(pngStreamBytes(readPngInfo(plain)) + WINDOW);
		withoutZlib();
		const sizes = recordWrites();
		const got = await decodePng(bomb, W, H);
		scope.DecompressionStream = Native;
		expect(got.data).toEqual(want.data);
		// The DecompressionStream fallback: every write is inflated whole before it can be read;
		// before the slices were held to what the image still needs, the one reaching into the
		// tail held over 30 MiB.
		expect(await largestInflation(z, sizes)).toBeLessThan(2 * MiB);
	});

	it("holds one window of inflated bytes however the ratio jumps inside the rows (noise above, flat below)", async () => {
		const W = 2000;
		const H = 2000;
		const z = await zlib([...noiseAboveFlat(W, H)]);
		const png = pngAround(W, H, COLOR.rgb, z);
		const steps = recordZlibSteps();
		const got = await decodePng(png, 500, 500);
		expect(steps.length).toBeGreaterThan(0);
		// The bounded path is the one taken in workerd (an empty record would mean the fallback ran).
		expect(steps.length).toBeGreaterThan(0);
		expect(Math.max(...steps)).toBeLessThanOrEqual(WINDOW);
		expect(WINDOW).toBeLessThanOrEqual(MiB);
		// The same pixels as the DecompressionStream fallback, which (inflating each write whole)
		// held several MB at once on this image.
		withoutZlib();
		expect((await decodePng(png, 500, 500)).data).toEqual(got.data);
	});

	it("hands over every row before invalid data that follows them in the same call (the careful retry)", async () => {
		const W = 60;
		const H = 40;
		const rows = noiseAboveFlat(W, H);
		const plain = pngAround(W, H, COLOR.rgb, await zlib(rows));
		// A zlib stream without its final block, then a block of the reserved type 3: zlib fails
		// in the call that inflated the last rows, and the retry goes byte by byte from there.
		const open = nodeZlibModule.deflateSync(concatAll(rows), { finishFlush: nodeZlibModule.constants.Z_SYNC_FLUSH });
		const broken = pngAround(W, H, COLOR.rgb, concatAll([open, new Uint8Array([0xff, 0xff, 0xff])]));
		expect((await decodePng(broken, W, H)).data).toEqual((await decodePng(plain, W, H)).data);
		const garbage = pngAround(W, H, COLOR.rgb, new Uint8Array([0x78, 0x9c, 0xff, 0xff, 0xff]));
		await expect(decodePng(garbage, W, H)).rejects.toMatchObject({ code: "corrupt_image" });
	});

	it("knows the image's inflated size, plain and Adam7", async () => {
		const cases = [
			{ colorType: COLOR.rgb, bitDepth: 8, width: 37, height: 11 },
			{ colorType: COLOR.gray, bitDepth: 1, width: 13, height: 9 },
			{ colorType: COLOR.rgba, bitDepth: 16, width: 5, height: 3 },
			{ colorType: COLOR.palette, bitDepth: 4, width: 1, height: 1 },
			{ colorType: COLOR.grayAlpha, bitDepth: 8, width: 3, height: 17 },
		] as const;
		for (const c of cases) {
			for (const interlaced of [false, true]) {
				const png = await makePng({
					...c,
					interlaced,
					palette: c.colorType === COLOR.palette ? [[1, 2, 3]] : undefined,
					samples: () => Array.from({ length: PNG_CHANNELS[c.colorType]! }, () => 0),
				});
				const idat = concatAll(chunks(png).flatMap((c) => (c.type === "IDAT" ? [c.data] : [])));
				const inflated = await new Response(new Blob([idat]).stream().pipeThrough(new Native("deflate"))).arrayBuffer();
				expect(pngStreamBytes(readPngInfo(png))).toBe(inflated.byteLength);
			}
		}
	});
});
