// What greedy CTC decoding needs of each time step of the recogniser's
// class probabilities, found where they lie (src/ocr/ctcDecode.ts decodes
// from it): the winning class, its probability, and the space class's. The
// rows stay in wasm memory; only 3 floats a step go back to JS, where the
// whole [steps][6625] tensor was copied out and scanned there.
//
// The winner is the first class of the row's largest value (a later equal
// one does not win), as the JS scan's strict comparison picks it. A row
// whose value at class 0 or elsewhere exceeds `sure` has that class as its
// winner outright (no other value of a row that sums to 1 can pass 0.5), so
// the scan stops there; the host passes a `sure` that no value exceeds when
// the rows need not sum to 1.

/** The first index i < n with x[i] > t, or -1. */
function firstAbove(x: usize, n: i32, t: f32): i32 {
	const tv = f32x4.splat(t);
	let i = 0;
	for (; i + 4 <= n; i += 4) {
		if (v128.any_true(f32x4.gt(v128.load(x + ((<usize>i) << 2)), tv))) break;
	}
	for (; i < n; i++) if (load<f32>(x + ((<usize>i) << 2)) > t) return i;
	return -1;
}

/** The row's largest value: lanes keep their own unless a later value is greater (a NaN never takes over). */
function rowMax(x: usize, n: i32): f32 {
	let m0 = v128.load32_splat(x);
	let m1 = m0;
	let i = 0;
	for (; i + 8 <= n; i += 8) {
		const a = v128.load(x + ((<usize>i) << 2));
		const b = v128.load(x + ((<usize>i) << 2), 16);
		m0 = v128.bitselect(a, m0, f32x4.gt(a, m0));
		m1 = v128.bitselect(b, m1, f32x4.gt(b, m1));
	}
	let m = load<f32>(x);
	for (let l = 0; l < 4; l++) {
		const a = f32x4.extract_lane(m0, 0);
		const b = f32x4.extract_lane(m1, 0);
		if (a > m) m = a;
		if (b > m) m = b;
		m0 = v128.shuffle<f32>(m0, m0, 1, 2, 3, 0);
		m1 = v128.shuffle<f32>(m1, m1, 1, 2, 3, 0);
	}
	for (; i < n; i++) {
		const v = load<f32>(x + ((<usize>i) << 2));
		if (v > m) m = v;
	}
	return m;
}

/**
 * Per row r of `rows` rows of `classes` probabilities at x: out[3r] the
 * winning class (as a float, exact below 2^24), out[3r + 1] its value,
 * out[3r + 2] the value of class `space` (0 when there is none, space < 0).
 */
export function ctcSteps(x: usize, rows: i32, classes: i32, space: i32, sure: f32, out: usize): void {
	for (let r = 0; r < rows; r++) {
		const row = x + ((<usize>r * <usize>classes) << 2);
		let best = firstAbove(row, classes, sure);
		if (best < 0) {
			// The first class holding the largest value; class 0 when that is NaN (only a NaN at
			// class 0 survives as the maximum), as the JS scan keeps it.
			const m = rowMax(row, classes);
			best = Number.isNaN(m) ? 0 : indexOf(row, classes, m);
		}
		const o = out + <usize>r * 12;
		store<f32>(o, <f32>best);
		store<f32>(o, load<f32>(row + ((<usize>best) << 2)), 4);
		store<f32>(o, space >= 0 ? load<f32>(row + ((<usize>space) << 2)) : 0.0, 8);
	}
}

/** The first index holding exactly v (v not NaN), or 0. */
function indexOf(x: usize, n: i32, v: f32): i32 {
	const vv = f32x4.splat(v);
	let i = 0;
	for (; i + 4 <= n; i += 4) {
		if (v128.any_true(f32x4.eq(v128.load(x + ((<usize>i) << 2)), vv))) break;
	}
	for (; i < n; i++) if (load<f32>(x + ((<usize>i) << 2)) === v) return i;
	return 0;
}
