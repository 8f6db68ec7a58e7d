import type { Context } from "hono";
import type { KeyParts } from "../cache";
import { chooseOutput, fitSize, type OutputChoice, probeImage } from "../codecs";
import { type FilterName, KERNEL_VERSION } from "../filters";
import { UnprocessableError } from "../lib/errors";
import { admission } from "../memory";
import type { AppEnv } from "./types";

// What /api/style/:name and /api/styles read from a request alike.

const DEFAULT_MAX_SIDE = 1024;
const MAX_MAX_SIDE = 4096;

export function parseMaxSide(value: string | undefined): number {
	if (value === undefined || value === "") return DEFAULT_MAX_SIDE;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > MAX_MAX_SIDE) {
		throw new UnprocessableError("invalid_parameter", `max_side must be an integer from 1 to ${MAX_MAX_SIDE}`, {
			parameter: "max_side",
		});
	}
	return n;
}

/**
 * The output format and quality. AVIF's limits depend on the size of the
 * image to encode, which the upload's header gives, so the choice (and the
 * cache key made from it) is settled before anything is decoded; the header
 * is read here only when AVIF is in question.
 */
export function outputFor(
	c: Context<AppEnv>,
	bytes: Uint8Array,
	options: Record<string, string>,
	maxSide: number,
	format: string | undefined,
): OutputChoice {
	return chooseOutput({
		format,
		accept: c.req.header("accept"),
		quality: options.quality,
		size: () => {
			const info = probeImage(bytes);
			return fitSize(info.width, info.height, maxSide);
		},
		budgetBytes: admission(c.env).budgetBytes,
	});
}

/** Options that change a styled result, for the cache key. */
export function styleKeyParts(
	md5: string,
	name: FilterName,
	params: Record<string, number>,
	out: OutputChoice,
	maxSide: number,
): KeyParts {
	return {
		inputMd5: md5,
		operation: `style:${name}`,
		options: { ...params, max_side: maxSide, format: out.format, quality: out.quality },
		version: KERNEL_VERSION,
	};
}

/** Options for one filter of a multi-style request: `oil.size=9` beats `size=9`. */
export function scopedOptions(options: Record<string, string>, name: string): Record<string, string> {
	const scoped: Record<string, string> = {};
	for (const [k, v] of Object.entries(options)) if (!k.includes(".")) scoped[k] = v;
	for (const [k, v] of Object.entries(options)) if (k.startsWith(`${name}.`)) scoped[k.slice(name.length + 1)] = v;
	return scoped;
}
