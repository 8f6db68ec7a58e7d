import { type Context, Hono } from "hono";
import { type KeyParts, resultCache, resultKey } from "../cache";
import {
	checkDimensions,
	checkWholeFrame,
	chooseOutput,
	decodeToFit,
	encodeHeapBytes,
	encodeImage,
	type ImageFormat,
	type ImageInfo,
	type OutputChoice,
	planDecode,
	probeImage,
	toDataUrl,
} from "../codecs";
import {
	applyFilter,
	FILTERS,
	type FilterName,
	filterWorkingSetBytes,
	KERNEL_VERSION,
	parseFilterParams,
	toFilterName,
} from "../filters";
import { UnprocessableError } from "../lib/errors";
import { md5Hex } from "../lib/md5";
import type { Pixels } from "../lib/pixels";
import { admission, estimateWorkingSet } from "../models/limits";
import { serveCached, serverTiming } from "./cached";
import { ok, optionsOf, readImageUpload } from "./respond";
import type { AppEnv } from "./types";

const DEFAULT_MAX_SIDE = 1024;
const MAX_MAX_SIDE = 4096;

function parseMaxSide(value: string | undefined): number {
	if (value === undefined || value === "") return DEFAULT_MAX_SIDE;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1 || n > MAX_MAX_SIDE) {
		throw new UnprocessableError("invalid_parameter", `max_side must be an integer from 1 to ${MAX_MAX_SIDE}`, {
			parameter: "max_side",
		});
	}
	return n;
}

/** Options that change a styled result, for the cache key. */
function styleKeyParts(
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

/**
 * Probes, checks and reserves memory for one decode of this upload, the
 * filters to run on its preview and the encodes of their results. After the
 * decode and downscale, the preview's RGBA in and out are alive with either
 * the largest kernel working set among the filters or the encoder's heap
 * (filters and encodes run one after another, the full image already gone).
 */
async function admitDecode(
	c: Context<AppEnv>,
	bytes: Uint8Array,
	maxSide: number,
	filters: [FilterName, Record<string, number>][],
	format: ImageFormat,
) {
	const info: ImageInfo = probeImage(bytes);
	checkDimensions(info, c.get("config").limits);
	const gate = admission(c.env);
	const plan = planDecode(bytes, info, maxSide);
	checkWholeFrame(plan, gate.budgetBytes);
	const preview = { width: plan.width, height: plan.height };
	const kernels = Math.max(0, ...filters.map(([n, p]) => filterWorkingSetBytes(n, preview.width, preview.height, p)));
	const pixels = 8 * preview.width * preview.height;
	const encode = pixels + encodeHeapBytes(format, preview.width, preview.height);
	const estimate = Math.max(estimateWorkingSet(plan, pixels + kernels), encode);
	const ticket = await gate.acquire("filter", estimate);
	return { info, plan, ticket };
}

async function timed<T>(stages: Record<string, number>, name: string, run: () => T | Promise<T>): Promise<T> {
	const t = performance.now();
	const value = await run();
	stages[name] = (stages[name] ?? 0) + performance.now() - t;
	return value;
}

/**
 * POST /api/style/:name answers with the styled image itself, for <img> and
 * blob front-ends. POST /api/styles answers in JSON with several styles of
 * one upload as data URLs, decoding it once.
 */
export const styleRoutes = new Hono<AppEnv>()
	.get("/filters", (c) =>
		ok(c, {
			filters: FILTERS.map((f) => ({
				name: f.name,
				opencv: f.opencv,
				description: f.description,
				params: f.params.map(({ aliases, exclusiveMin, ...p }) => ({ ...p, exclusive_min: exclusiveMin ?? false })),
			})),
			kernel_version: KERNEL_VERSION,
		}),
	)
	.post("/style/:name", async (c) => {
		const name = toFilterName(c.req.param("name"));
		const upload = await readImageUpload(c);
		const options = optionsOf(c, upload);
		const params = parseFilterParams(name, options);
		const maxSide = parseMaxSide(options.max_side);
		const out = chooseOutput({ format: options.format, accept: c.req.header("accept"), quality: options.quality });
		const key = await resultKey(styleKeyParts(await md5Hex(upload.bytes), name, params, out, maxSide));
		return serveCached(c, {
			key,
			negotiated: options.format === undefined,
			compute: async () => {
				const stages: Record<string, number> = {};
				const { info, plan, ticket } = await admitDecode(c, upload.bytes, maxSide, [[name, params]], out.format);
				try {
					let image: Pixels | null = (
						await timed(stages, "decode", () => decodeToFit(upload.bytes, info, maxSide, plan))
					).pixels;
					const styled = await timed(stages, "filter", () => applyFilter(name, image!, params));
					image = null;
					const encoded = await timed(stages, "encode", () => encodeImage(styled, out));
					return { body: encoded.bytes, contentType: encoded.mime, headers: { "server-timing": serverTiming(stages) } };
				} finally {
					ticket.release();
				}
			},
		});
	})
	.post("/styles", async (c) => {
		const upload = await readImageUpload(c);
		const options = optionsOf(c, upload);
		const requested = (options.names ?? "sketch,color_sketch,oil,watercolor")
			.split(",")
			.map((s) => s.trim())
			.filter(Boolean);
		if (requested.length === 0)
			throw new UnprocessableError("invalid_parameter", "names must list at least one filter", { parameter: "names" });
		const names = [...new Set(requested.map(toFilterName))];
		const maxSide = parseMaxSide(options.max_side);
		const out = chooseOutput({ format: options.format ?? "jpeg", quality: options.quality });
		const paramsOf = new Map(names.map((n) => [n, parseFilterParams(n, scopedOptions(options, n))] as const));
		const md5 = await md5Hex(upload.bytes);
		const cache = resultCache(c.env);
		const stages: Record<string, number> = {};
		const { info, plan, ticket } = await admitDecode(c, upload.bytes, maxSide, [...paramsOf], out.format);
		try {
			const image = (await timed(stages, "decode", () => decodeToFit(upload.bytes, info, maxSide, plan))).pixels;
			const original = await timed(stages, "encode", () => encodeImage(image, out));
			const results: Record<string, { image: string; cache: string; filter_ms: number; encode_ms: number }> = {};
			for (const name of names) {
				const params = paramsOf.get(name)!;
				const key = await resultKey(styleKeyParts(md5, name, params, out, maxSide));
				const own: Record<string, number> = {};
				// The edge tier's write outlives the response: hand it to waitUntil so it is not cut off.
				const { value, source } = await cache.getOrCompute(
					key,
					async () => {
						const styled = await timed(own, "filter", () => applyFilter(name, image, params));
						const encoded = await timed(own, "encode", () => encodeImage(styled, out));
						return { body: encoded.bytes, contentType: encoded.mime, headers: { "server-timing": serverTiming(own) } };
					},
					(p) => c.executionCtx.waitUntil(p),
				);
				stages[`filter_${name}`] = own.filter ?? 0;
				results[name] = {
					image: toDataUrl({ bytes: value.body, mime: value.contentType, format: out.format }),
					cache: source,
					filter_ms: round(own.filter ?? 0),
					encode_ms: round(own.encode ?? 0),
				};
			}
			c.header("Server-Timing", serverTiming(stages));
			return ok(c, {
				width: image.width,
				height: image.height,
				original: toDataUrl(original),
				results,
				timings: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])),
			});
		} finally {
			ticket.release();
		}
	});

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Options for one filter of a multi-style request: `oil.size=9` beats `size=9`. */
function scopedOptions(options: Record<string, string>, name: string): Record<string, string> {
	const scoped: Record<string, string> = {};
	for (const [k, v] of Object.entries(options)) if (!k.includes(".")) scoped[k] = v;
	for (const [k, v] of Object.entries(options)) if (k.startsWith(`${name}.`)) scoped[k.slice(name.length + 1)] = v;
	return scoped;
}
