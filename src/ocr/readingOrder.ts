/**
 * Reading order for detected lines: rows top to bottom, boxes left to right
 * inside a row. A photographed page is rarely level, so positions are first
 * rotated by the page's dominant text angle (the median over clearly
 * horizontal boxes); a box then joins a row when its centre lies within half
 * a line height of the row's centre line.
 */
import type { Point, Quad } from "./geometry";
import { quadSize } from "./geometry";

interface Placed {
	index: number;
	x: number;
	y: number;
	h: number;
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Dominant text angle in radians, from boxes at least twice as wide as tall. */
export function pageAngle(quads: readonly Quad[]): number {
	const angles: number[] = [];
	for (const q of quads) {
		const { width, height } = quadSize(q);
		if (width < 2 * height) continue;
		const [tl, tr] = q;
		angles.push(Math.atan2(tr[1] - tl[1], tr[0] - tl[0]));
	}
	return angles.length ? median(angles) : 0;
}

/** Rows in reading order, each a list of indices into `quads`, left to right. */
export function readingOrder(quads: readonly Quad[]): number[][] {
	const angle = pageAngle(quads);
	const cos = Math.cos(angle);
	const sin = Math.sin(angle);
	const placed: Placed[] = quads.map((q, index) => {
		const cx = q.reduce((s, p: Point) => s + p[0], 0) / 4;
		const cy = q.reduce((s, p: Point) => s + p[1], 0) / 4;
		return { index, x: cx * cos + cy * sin, y: -cx * sin + cy * cos, h: Math.max(1, quadSize(q).height) };
	});
	placed.sort((a, b) => a.y - b.y || a.x - b.x);
	const rows: { items: Placed[]; y: number; h: number }[] = [];
	for (const p of placed) {
		const row = rows[rows.length - 1];
		if (row && Math.abs(p.y - row.y) <= 0.5 * Math.min(p.h, row.h)) {
			row.items.push(p);
			const n = row.items.length;
			row.y += (p.y - row.y) / n;
			row.h += (p.h - row.h) / n;
			continue;
		}
		rows.push({ items: [p], y: p.y, h: p.h });
	}
	return rows.map((r) => r.items.sort((a, b) => a.x - b.x).map((p) => p.index));
}
