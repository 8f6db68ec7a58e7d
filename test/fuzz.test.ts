import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadImage } from "../src/codecs";
import { DEFAULT_LIMITS } from "../src/lib/config";
import { AppError } from "../src/lib/errors";
import jpegFile from "./fixtures/dev_en_label_01.jpg";
import webpFile from "./fixtures/dev_en_label_01.webp";
import pngFile from "./fixtures/tools.input.png";
import { type Envelope, postImage } from "./helpers/api";
import { expectSettled } from "./helpers/hostile";

/**
 * Property: whatever is done to a valid file's bytes, the intake either
 * decodes it to a consistent image or throws one of our named errors with a
 * 4xx status. Anything else (a TypeError, a wasm trap, a 5xx) is a bug.
 * Runs are bounded to keep the suite quick; a failure prints its seed.
 */

const FIXTURES = [new Uint8Array(jpegFile), new Uint8Array(pngFile), new Uint8Array(webpFile)];

type Mutation =
	| { kind: "flip"; at: number; mask: number }
	| { kind: "truncate"; at: number }
	| { kind: "splice"; at: number; remove: number; from: number; take: number }
	| { kind: "insert"; at: number; bytes: Uint8Array };

// Positions are fractions of the current length, so one mutation list fits every file.
const frac = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ kind: fc.constant("flip" as const), at: frac, mask: fc.integer({ min: 1, max: 255 }) }),
	fc.record({ kind: fc.constant("truncate" as const), at: frac }),
	fc.record({
		kind: fc.constant("splice" as const),
		at: frac,
		remove: fc.integer({ min: 0, max: 64 }),
		from: frac,
		take: fc.integer({ min: 0, max: 64 }),
	}),
	fc.record({ kind: fc.constant("insert" as const), at: frac, bytes: fc.uint8Array({ maxLength: 32 }) }),
);

/** Header bytes matter most; bias half the positions into the first 64 bytes. */
function position(b: Uint8Array, at: number): number {
	return at < 0.5 ? Math.floor(at * 2 * Math.min(64, b.length)) : Math.floor((at - 0.5) * 2 * b.length);
}

function apply(bytes: Uint8Array, donor: Uint8Array, m: Mutation): Uint8Array {
	const at = position(bytes, m.at);
	switch (m.kind) {
		case "flip": {
			const out = bytes.slice();
			if (at < out.length) out[at] = out[at]! ^ m.mask;
			return out;
		}
		case "truncate":
			return bytes.slice(0, at);
		case "splice": {
			// Bytes from another valid file: plausible markers and chunk headers in the wrong place.
			const from = position(donor, m.from);
			const piece = donor.subarray(from, from + m.take);
			return new Uint8Array([...bytes.subarray(0, at), ...piece, ...bytes.subarray(at + m.remove)]);
		}
		case "insert":
			return new Uint8Array([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
	}
}

const mutated = fc
	.record({
		file: fc.integer({ min: 0, max: FIXTURES.length - 1 }),
		donor: fc.integer({ min: 0, max: FIXTURES.length - 1 }),
		mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
	})
	.map(({ file, donor, mutations }) =>
		mutations.reduce<Uint8Array>((b, m) => apply(b, FIXTURES[donor]!, m), FIXTURES[file]!),
	);

describe("intake under mutation (fast-check)", () => {
	it("loadImage decodes consistently or throws a named 4xx error", async () => {
		const outcomes = new Map<string, number>();
		await fc.assert(
			fc.asyncProperty(mutated, async (bytes) => {
				try {
					const { pixels } = await loadImage(bytes, DEFAULT_LIMITS, 256);
					expect(pixels.data.length).toBe(pixels.width * pixels.height * 4);
					expect(Math.max(pixels.width, pixels.height)).toBeLessThanOrEqual(256);
					outcomes.set("decoded", (outcomes.get("decoded") ?? 0) + 1);
				} catch (err) {
					if (!(err instanceof AppError)) throw err;
					expect(err.status >= 400 && err.status < 500, `${err.status} ${err.code}`).toBe(true);
					outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
				}
			}),
			{ numRuns: 300 },
		);
		// The generator must reach both sides of the property, or it proves little.
		expect(outcomes.get("decoded") ?? 0).toBeGreaterThan(0);
		expect(outcomes.size).toBeGreaterThan(2);
	});

	it("the routes answer mutated uploads with an image or a named 4xx, and keep serving", async () => {
		await fc.assert(
			fc.asyncProperty(mutated, fc.boolean(), async (bytes, probe) => {
				const res = await postImage(probe ? "/api/probe" : "/api/style/sketch?max_side=64", bytes);
				if (res.status === 200) return void (await res.arrayBuffer());
				const body = (await res.json()) as Envelope;
				expect(res.status >= 400 && res.status < 500, `${res.status} ${body.error?.code}`).toBe(true);
				expect(body.error?.code).toMatch(/^[a-z_]+$/);
			}),
			{ numRuns: 60 },
		);
		await expectSettled(FIXTURES[1]!);
	});
});
