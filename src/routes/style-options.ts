import type { Context } from "hono";
import type { KeyParts } from "../cache";
import { chooseOutput, type OutputChoice, WRITERS } from "../codecs";
import { KERNEL_VERSION } from "../filters";
import { fitKeyOptions } from "../lib/fit-params";
import { admission } from "../memory";
import type { StyleJob } from "../style/render";
import type { AppEnv } from "./types";

// What /api/style/:name and /api/styles read from a request alike.

/**
 * The output format and quality. AVIF's limits depend on the size of the
 * image to encode, so `size` gives it from the header (or, before a source
 * is fetched, a bound from the options): the choice, and the cache key made
 * from it, is settled before anything is decoded. `size` is called only when
 * AVIF is in question; absent, no limit is checked here.
 */
export function outputFor(
	c: Context<AppEnv>,
	options: Record<string, string>,
	format: string | undefined,
	size: (() => { width: number; height: number }) | undefined,
): OutputChoice {
	return chooseOutput({
		format,
		accept: c.req.header("accept"),
		quality: options.quality,
		size,
		budgetBytes: admission(c.env).budgetBytes,
	});
}

/** Options that change a styled result, for the cache key: the filter's, the sizes and the output's. */
export function styleKeyParts(id: string, job: StyleJob): KeyParts {
	return {
		inputMd5: id,
		operation: `style:${job.name}`,
		options: { ...job.params, ...fitKeyOptions(job.fit), format: job.out.format, quality: job.out.quality },
		// The filters' kernels and, where it says, the encoder: new bytes never take an old ETag.
		version: [KERNEL_VERSION, WRITERS[job.out.format].version].filter(Boolean).join("+"),
	};
}

/** Options for one filter of a multi-style request: `oil.size=9` beats `size=9`. */
export function scopedOptions(options: Record<string, string>, name: string): Record<string, string> {
	const scoped: Record<string, string> = {};
	for (const [k, v] of Object.entries(options)) if (!k.includes(".")) scoped[k] = v;
	for (const [k, v] of Object.entries(options)) if (k.startsWith(`${name}.`)) scoped[k.slice(name.length + 1)] = v;
	return scoped;
}
