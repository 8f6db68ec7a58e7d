/**
 * The real inputs the engine's tests and benchmarks take from the receipt
 * fixture: its first detector tile (at most 480x480, on the 32-pixel grid) and
 * its first line cut at the full width (the words span the top 60 rows), as
 * the recogniser's input and as a classifier batch of six; and how a
 * recogniser output reads, step by step.
 */
import { cropPixels } from "../../src/lib/canvas";
import type { Pixels } from "../../src/lib/pixels";
import { detTensor } from "../../src/ocr/detPreprocess";
import { LINE_HEIGHT, lineTensor, scaledWidth } from "../../src/ocr/lineTensor";
import { CLS_WIDTH } from "../../src/ocr/memory";
import { decodeFixture, fixture } from "./ocrFixtures";

export interface Input {
	data: Float32Array;
	dims: number[];
}

export async function receiptInputs(): Promise<{
	page: Pixels;
	line: Pixels;
	tile: Input;
	strip: Input;
	windows: Input;
}> {
	const page = await decodeFixture(fixture("dev_en_receipt_01"));
	const tile = { x: 0, y: 0, width: Math.min(480, page.width) & ~31, height: Math.min(480, page.height) & ~31 };
	const line = cropPixels(page, { x: 0, y: 0, width: page.width, height: 60 });
	const width = scaledWidth(line, 3200);
	return {
		page,
		line,
		tile: { data: detTensor(page, tile), dims: [1, 3, tile.height, tile.width] },
		strip: { data: lineTensor([line], width), dims: [1, 3, LINE_HEIGHT, width] },
		windows: { data: lineTensor(new Array(6).fill(line), CLS_WIDTH), dims: [6, 3, LINE_HEIGHT, CLS_WIDTH] },
	};
}

/** Per time step, the best class of [1, steps, classes] probabilities. */
export function bestClasses(t: { data: Float32Array; dims: readonly number[] }): number[] {
	const [, steps, classes] = t.dims as [number, number, number];
	const out: number[] = [];
	for (let s = 0; s < steps; s++) {
		let k = 0;
		for (let c = 1; c < classes; c++)
			if ((t.data[s * classes + c] as number) > (t.data[s * classes + k] as number)) k = c;
		out.push(k);
	}
	return out;
}

/** The classes a greedy CTC read keeps: blanks (0) and repeats dropped. */
export function collapsed(best: readonly number[]): string {
	return best.filter((k, s) => k !== 0 && k !== best[s - 1]).join(",");
}
