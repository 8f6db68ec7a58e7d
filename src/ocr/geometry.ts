/**
 * Plane geometry for text boxes: convex hull, minimum-area rotated
 * rectangle, corner ordering and the DB "unclip" offset.
 */
import type { Point, Quad } from "./document";

export type { Point, Quad };

function cross(o: Point, a: Point, b: Point): number {
	return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull by the monotone chain method; collinear points are dropped. */
export function convexHull(points: readonly Point[]): Point[] {
	const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	if (pts.length < 3) return pts;
	const lower: Point[] = [];
	for (const p of pts) {
		while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0)
			lower.pop();
		lower.push(p);
	}
	const upper: Point[] = [];
	for (let i = pts.length - 1; i >= 0; i--) {
		const p = pts[i] as Point;
		while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0)
			upper.pop();
		upper.push(p);
	}
	lower.pop();
	upper.pop();
	return lower.concat(upper);
}

export interface RotatedRect {
	quad: Quad;
	/** Length of the shorter side. */
	short: number;
	long: number;
}

/**
 * Smallest rectangle around the points. One side of the optimum lies on a
 * hull edge, so trying each edge's direction is exact.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
	const hull = convexHull(points);
	if (hull.length === 0) throw new RangeError("minAreaRect needs at least one point");
	let best = { area: Number.POSITIVE_INFINITY, ux: 1, uy: 0, u0: 0, u1: 0, v0: 0, v1: 0 };
	const n = hull.length;
	for (let i = 0; i < Math.max(1, n - (n < 3 ? 1 : 0)); i++) {
		const a = hull[i] as Point;
		const b = hull[(i + 1) % n] as Point;
		const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
		const ux = len > 0 ? (b[0] - a[0]) / len : 1;
		const uy = len > 0 ? (b[1] - a[1]) / len : 0;
		let u0 = Number.POSITIVE_INFINITY;
		let u1 = Number.NEGATIVE_INFINITY;
		let v0 = Number.POSITIVE_INFINITY;
		let v1 = Number.NEGATIVE_INFINITY;
		for (const p of hull) {
			const u = p[0] * ux + p[1] * uy;
			const v = -p[0] * uy + p[1] * ux;
			u0 = Math.min(u0, u);
			u1 = Math.max(u1, u);
			v0 = Math.min(v0, v);
			v1 = Math.max(v1, v);
		}
		const area = (u1 - u0) * (v1 - v0);
		if (area < best.area) best = { area, ux, uy, u0, u1, v0, v1 };
	}
	const { ux, uy, u0, u1, v0, v1 } = best;
	const at = (u: number, v: number): Point => [u * ux - v * uy, u * uy + v * ux];
	const corners = [at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)];
	const du = u1 - u0;
	const dv = v1 - v0;
	return { quad: orderQuad(corners), short: Math.min(du, dv), long: Math.max(du, dv) };
}

/**
 * Orders four corners clockwise from the top-left: the two leftmost points
 * form the left side (upper one first), the other two the right side.
 */
export function orderQuad(points: readonly Point[]): Quad {
	const byX = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const [l0, l1, r0, r1] = byX as [Point, Point, Point, Point];
	const [tl, bl] = l0[1] <= l1[1] ? [l0, l1] : [l1, l0];
	const [tr, br] = r0[1] <= r1[1] ? [r0, r1] : [r1, r0];
	return [tl, tr, br, bl];
}

export function polygonArea(poly: readonly Point[]): number {
	let s = 0;
	for (let i = 0; i < poly.length; i++) {
		const a = poly[i] as Point;
		const b = poly[(i + 1) % poly.length] as Point;
		s += a[0] * b[1] - b[0] * a[1];
	}
	return s / 2;
}

export function polygonPerimeter(poly: readonly Point[]): number {
	let s = 0;
	for (let i = 0; i < poly.length; i++) {
		const a = poly[i] as Point;
		const b = poly[(i + 1) % poly.length] as Point;
		s += Math.hypot(b[0] - a[0], b[1] - a[1]);
	}
	return s;
}

/**
 * DB's unclip: the shrunk text kernel grows back by distance
 * area * ratio / perimeter. For a convex polygon each edge moves outward by
 * that distance; the new corners are where neighbouring edges meet (the
 * rounded joins of a true offset vanish again in the bounding rectangle
 * taken afterwards).
 */
export function unclip(poly: readonly Point[], ratio: number): Point[] {
	const area = polygonArea(poly);
	const perimeter = polygonPerimeter(poly);
	if (perimeter === 0) return [...poly];
	const d = (Math.abs(area) * ratio) / perimeter;
	const sign = area >= 0 ? 1 : -1; // outward normal depends on winding
	const n = poly.length;
	const lines: { p: Point; dx: number; dy: number }[] = [];
	for (let i = 0; i < n; i++) {
		const a = poly[i] as Point;
		const b = poly[(i + 1) % n] as Point;
		const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
		const dx = (b[0] - a[0]) / len;
		const dy = (b[1] - a[1]) / len;
		// (dy, -dx) points outward for a counter-clockwise polygon in y-up terms.
		lines.push({ p: [a[0] + sign * dy * d, a[1] - sign * dx * d], dx, dy });
	}
	const out: Point[] = [];
	for (let i = 0; i < n; i++) {
		const l1 = lines[(i + n - 1) % n] as (typeof lines)[number];
		const l2 = lines[i] as (typeof lines)[number];
		const det = l1.dx * l2.dy - l1.dy * l2.dx;
		if (Math.abs(det) < 1e-9) {
			out.push(l2.p);
			continue;
		}
		const t = ((l2.p[0] - l1.p[0]) * l2.dy - (l2.p[1] - l1.p[1]) * l2.dx) / det;
		out.push([l1.p[0] + t * l1.dx, l1.p[1] + t * l1.dy]);
	}
	return out;
}

/** Width (along the text) and height of an ordered quad, as the longer of each pair of sides. */
export function quadSize(q: Quad): { width: number; height: number } {
	const d = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
	return { width: Math.max(d(q[0], q[1]), d(q[3], q[2])), height: Math.max(d(q[0], q[3]), d(q[1], q[2])) };
}
