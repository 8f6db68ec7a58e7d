/**
 * The one pixel type every stage speaks: RGBA, 8 bits a channel, row-major,
 * shaped like the DOM's ImageData so codecs and canvases accept it as is.
 */
export interface Pixels {
	data: Uint8ClampedArray;
	width: number;
	height: number;
}

/** Whether the buffer really is width x height RGBA with a whole, non-empty size. */
export function isWellFormed(p: Pixels): boolean {
	const { width: w, height: h, data } = p;
	return Number.isInteger(w) && Number.isInteger(h) && w >= 1 && h >= 1 && data.length === w * h * 4;
}
