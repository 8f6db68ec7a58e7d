// Element-wise kernels: broadcasting binary arithmetic and the unary ops.
// The binary op first folds its three strided dimensions into as few as the
// strides allow, so a broadcast that is really one long run (same shapes, a
// scalar, a per-channel vector over planes) becomes one SIMD row loop.

import { Act, act1, affineRun } from "./_infer_ops_act";

const OP_ADD = 0;
const OP_SUB = 1;
const OP_MUL = 2;

// biome-ignore lint/complexity/noStaticOnlyClass: the linter parses `@inline` only on class members, so inlined helpers are static methods.
class Elem {
	@inline
	static vop(op: i32, x: v128, y: v128): v128 {
		if (op === OP_ADD) return f32x4.add(x, y);
		if (op === OP_SUB) return f32x4.sub(x, y);
		if (op === OP_MUL) return f32x4.mul(x, y);
		return f32x4.div(x, y);
	}

	@inline
	static sop(op: i32, x: f32, y: f32): f32 {
		if (op === OP_ADD) return x + y;
		if (op === OP_SUB) return x - y;
		if (op === OP_MUL) return x * y;
		return x / y;
	}

	/** One row of n outputs; sa/sb are the operands' element strides, 0 or 1.
	 * Inlined per constant op, so each loop body is one opcode. */
	@inline
	static row(op: i32, a: usize, b: usize, y: usize, n: i32, sa: i32, sb: i32): void {
		let i = 0;
		if (sa === 1 && sb === 1) {
			for (; i + 16 <= n; i += 16) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, v128.load(a + o), v128.load(b + o)));
				v128.store(y + o, Elem.vop(op, v128.load(a + o, 16), v128.load(b + o, 16)), 16);
				v128.store(y + o, Elem.vop(op, v128.load(a + o, 32), v128.load(b + o, 32)), 32);
				v128.store(y + o, Elem.vop(op, v128.load(a + o, 48), v128.load(b + o, 48)), 48);
			}
			for (; i + 4 <= n; i += 4) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, v128.load(a + o), v128.load(b + o)));
			}
		} else if (sa === 1 && sb === 0) {
			const s = load<f32>(b);
			const vs = f32x4.splat(s);
			for (; i + 8 <= n; i += 8) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, v128.load(a + o), vs));
				v128.store(y + o, Elem.vop(op, v128.load(a + o, 16), vs), 16);
			}
			for (; i + 4 <= n; i += 4) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, v128.load(a + o), vs));
			}
		} else if (sa === 0 && sb === 1) {
			const s = load<f32>(a);
			const vs = f32x4.splat(s);
			for (; i + 8 <= n; i += 8) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, vs, v128.load(b + o)));
				v128.store(y + o, Elem.vop(op, vs, v128.load(b + o, 16)), 16);
			}
			for (; i + 4 <= n; i += 4) {
				const o = (<usize>i) << 2;
				v128.store(y + o, Elem.vop(op, vs, v128.load(b + o)));
			}
		}
		for (; i < n; i++) {
			const v = Elem.sop(op, load<f32>(a + ((<usize>(i * sa)) << 2)), load<f32>(b + ((<usize>(i * sb)) << 2)));
			store<f32>(y + ((<usize>i) << 2), v);
		}
	}

	@inline
	static unaryAct(act: i32, x: usize, y: usize, n: i32, alpha: f32, beta: f32): void {
		const al = f32x4.splat(alpha);
		const be = f32x4.splat(beta);
		let i = 0;
		for (; i + 8 <= n; i += 8) {
			const o = (<usize>i) << 2;
			const v0 = v128.load(x + o);
			const v1 = v128.load(x + o, 16);
			v128.store(y + o, Act.act4(v0, act, al, be));
			v128.store(y + o, Act.act4(v1, act, al, be), 16);
		}
		for (; i + 4 <= n; i += 4) {
			const o = (<usize>i) << 2;
			v128.store(y + o, Act.act4(v128.load(x + o), act, al, be));
		}
		for (; i < n; i++) {
			const o = (<usize>i) << 2;
			store<f32>(y + o, act1(load<f32>(x + o), act, alpha, beta));
		}
	}
}

// A row with any strides: the general broadcast.
function rowStrided(op: i32, a: usize, b: usize, y: usize, n: i32, sa: i32, sb: i32): void {
	for (let i = 0; i < n; i++) {
		const x = load<f32>(a + ((<usize>(i * sa)) << 2));
		const z = load<f32>(b + ((<usize>(i * sb)) << 2));
		store<f32>(y + ((<usize>i) << 2), op === OP_ADD ? x + z : op === OP_SUB ? x - z : op === OP_MUL ? x * z : x / z);
	}
}

function rowOp(op: i32, a: usize, b: usize, y: usize, n: i32, sa: i32, sb: i32): void {
	if (op === OP_ADD) Elem.row(OP_ADD, a, b, y, n, sa, sb);
	else if (op === OP_SUB) Elem.row(OP_SUB, a, b, y, n, sa, sb);
	else if (op === OP_MUL) Elem.row(OP_MUL, a, b, y, n, sa, sb);
	else Elem.row(3, a, b, y, n, sa, sb);
}

/** y[i0][i1][i2] = a[i0*as0 + i1*as1 + i2*as2] OP b[...bs...]; y contiguous,
 * strides in elements (0 broadcasts). y may be a or b (same layout). */
export function binary(
	op: i32,
	a: usize,
	b: usize,
	y: usize,
	n0: i32,
	n1: i32,
	n2: i32,
	as0: i32,
	as1: i32,
	as2: i32,
	bs0: i32,
	bs1: i32,
	bs2: i32,
): void {
	if (n0 <= 0 || n1 <= 0 || n2 <= 0) return;
	// Unit dimensions out, innermost first, so the inner loop is the longest.
	if (n1 === 1) {
		n1 = n0;
		as1 = as0;
		bs1 = bs0;
		n0 = 1;
	}
	if (n2 === 1) {
		n2 = n1;
		as2 = as1;
		bs2 = bs1;
		n1 = n0;
		as1 = as0;
		bs1 = bs0;
		n0 = 1;
	}
	if (n1 === 1) {
		n1 = n0;
		as1 = as0;
		bs1 = bs0;
		n0 = 1;
	}
	// A stride of a unit dimension is never used; 0 lets it merge.
	if (n2 === 1) as2 = bs2 = 0;
	if (n1 === 1) as1 = bs1 = 0;
	// Fold a dimension into the one inside it when both operands walk them as one run.
	if (n1 > 1 && as1 === as2 * n2 && bs1 === bs2 * n2) {
		n2 *= n1;
		n1 = n0;
		as1 = as0;
		bs1 = bs0;
		n0 = 1;
	}
	if (n1 > 1 && n0 > 1 && as0 === as1 * n1 && bs0 === bs1 * n1) {
		n1 *= n0;
		n0 = 1;
	}
	if (n1 > 1 && as1 === as2 * n2 && bs1 === bs2 * n2) {
		n2 *= n1;
		n1 = n0;
		as1 = as0;
		bs1 = bs0;
		n0 = 1;
	}
	const simd = (as2 === 0 || as2 === 1) && (bs2 === 0 || bs2 === 1) && (as2 | bs2) !== 0;
	for (let i0 = 0; i0 < n0; i0++) {
		for (let i1 = 0; i1 < n1; i1++) {
			const pa = a + ((<usize>(i0 * as0 + i1 * as1)) << 2);
			const pb = b + ((<usize>(i0 * bs0 + i1 * bs1)) << 2);
			const py = y + ((<usize>((i0 * n1 + i1) * n2)) << 2);
			if (simd) rowOp(op, pa, pb, py, n2, as2, bs2);
			else rowStrided(op, pa, pb, py, n2, as2, bs2);
		}
	}
}

/** y = f(x) over n floats: op 1..5 are the activation codes, 6 sqrt, 7 copy,
 * 8 alpha * x + beta. y may be x. */
export function unary(op: i32, x: usize, y: usize, n: i32, alpha: f32, beta: f32): void {
	let i = 0;
	if (op === 6) {
		for (; i + 4 <= n; i += 4) {
			const o = (<usize>i) << 2;
			v128.store(y + o, f32x4.sqrt(v128.load(x + o)));
		}
		for (; i < n; i++) {
			const o = (<usize>i) << 2;
			store<f32>(y + o, Mathf.sqrt(load<f32>(x + o)));
		}
		return;
	}
	if (op === 7) {
		if (x !== y) memory.copy(y, x, (<usize>n) << 2);
		return;
	}
	if (op === 8) {
		// A scalar Mul then a scalar Add (the recogniser's learnable affine
		// blocks) in one pass, rounded as the two ops round.
		affineRun(x, y, n, alpha, beta);
		return;
	}
	if (op === 1) Elem.unaryAct(1, x, y, n, alpha, beta);
	else if (op === 2) Elem.unaryAct(2, x, y, n, alpha, beta);
	else if (op === 3) Elem.unaryAct(3, x, y, n, alpha, beta);
	else if (op === 4) Elem.unaryAct(4, x, y, n, alpha, beta);
	else if (op === 5) Elem.unaryAct(5, x, y, n, alpha, beta);
}
