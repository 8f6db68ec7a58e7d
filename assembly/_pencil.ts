// cv::pencilSketch. Its three "iterations" only count, per pixel, how many
// neighbours fall inside the NC window along the row and along the column;
// the image itself is never filtered, and only the first iteration (the widest
// radius) reaches the outputs. So: one counting pass, no float image at all.
//   gray  = shade * (rowCount + colCount)
//   color = that gray as luma Y, with the input's Cr and Cb (float YCrCb).

import { colDomain, rowDomain, slide, winHi, winLo } from "./_normconv";
import { byteF, sat8 } from "./_pixels";
import { sigmaH } from "./_simd";

export function pencilSketch(
	io: usize,
	w: i32,
	h: i32,
	sigmaS: f32,
	sigmaR: f32,
	shade: f32,
	color: bool,
	rows: usize,
	ct: usize,
): void {
	const ratio = sigmaS / sigmaR;
	const r = <f32>Math.sqrt(3.0) * sigmaH(sigmaS, 0);
	for (let y = 0; y < h; y++) {
		rowDomain(io, y, w, ratio, ct);
		const out = rows + ((<usize>y * <usize>w) << 2);
		let win: i64 = 0;
		for (let x = 0; x < w; x++) {
			win = slide(win, ct, 2, x, r);
			store<f32>(out + ((<usize>x) << 2), <f32>(winHi(win) - winLo(win)));
		}
	}
	const S = (w + 3) & ~3;
	for (let x0 = 0; x0 < w; x0 += 16) {
		colDomain(io, x0, min(16, S - x0), w, h, ratio, ct);
		const valid = min(16, w - x0);
		for (let k = 0; k < valid; k++) {
			const col = ct + ((<usize>k) << 2);
			let win: i64 = 0;
			for (let y = 0; y < h; y++) {
				win = slide(win, col, 6, y, r);
				const idx = (<usize>y * <usize>w + <usize>(x0 + k)) << 2;
				const pen = shade * (load<f32>(rows + idx) + <f32>(winHi(win) - winLo(win)));
				const p = io + idx;
				if (color) {
					const R = byteF(p, 0);
					const G = byteF(p, 1);
					const B = byteF(p, 2);
					const Y = B * <f32>0.114 + G * <f32>0.587 + R * <f32>0.299;
					const cr = (R - Y) * <f32>0.713 + <f32>0.5 - <f32>0.5;
					const cb = (B - Y) * <f32>0.564 + <f32>0.5 - <f32>0.5;
					store<u8>(p, sat8((pen + cr * <f32>1.403) * 255));
					store<u8>(p, sat8((pen + cb * <f32>-0.344 + cr * <f32>-0.714) * 255), 1);
					store<u8>(p, sat8((pen + cb * <f32>1.773) * 255), 2);
				} else {
					const v = sat8(pen * 255);
					store<u8>(p, v);
					store<u8>(p, v, 1);
					store<u8>(p, v, 2);
				}
			}
		}
	}
}
