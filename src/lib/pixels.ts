/**
 * The one pixel type every stage speaks: RGBA, 8 bits a channel, row-major,
 * shaped like the DOM's ImageData so codecs and canvases accept it as is.
 */
export interface Pixels {
	data: Uint8ClampedArray;
	width: number;
	height: number;
}
