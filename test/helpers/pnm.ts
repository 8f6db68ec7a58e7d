import type { Pixels } from "../../src/lib/pixels";

/** PPM (P6) or PGM (P5) bytes as RGBA. */
export function readPnm(buf: ArrayBuffer): Pixels {
	const b = new Uint8Array(buf);
	let p = 0;
	const token = () => {
		while (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09) p++;
		let s = "";
		while (b[p]! > 0x20) s += String.fromCharCode(b[p++]!);
		return s;
	};
	const magic = token();
	const width = Number(token());
	const height = Number(token());
	token();
	p++;
	const ch = magic === "P6" ? 3 : 1;
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0; i < width * height; i++) {
		for (let c = 0; c < 3; c++) data[i * 4 + c] = b[p + i * ch + (ch === 3 ? c : 0)]!;
		data[i * 4 + 3] = 255;
	}
	return { data, width, height };
}
