/**
 * The one pixel type every stage speaks: RGBA, 8 bits a channel, row-major,
 * shaped like the DOM's ImageData so codecs and canvases accept it as is.
 */
export interface Pixels {
	data: Uint8ClampedArray;
	width: number;
	height: number;
}

export function makePixels(width: number, height: number, data?: Uint8ClampedArray): Pixels {
	const bytes = width * height * 4;
	if (data && data.length !== bytes) {
		throw new RangeError(`pixel buffer holds ${data.length} bytes, ${width}x${height} RGBA needs ${bytes}`);
	}
	return { data: data ?? new Uint8ClampedArray(bytes), width, height };
}

export function byteSize(p: Pixels): number {
	return p.data.byteLength;
}
