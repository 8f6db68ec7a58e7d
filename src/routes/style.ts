import { type Context, Hono } from "hono";
import { type CachedResult, resultKey } from "../cache";
import { avifRefusal, displaySize, type OutputChoice, probeImage } from "../codecs";
import { type FilterName, parseFilterParams, toFilterName } from "../filters";
import { UnprocessableError } from "../lib/errors";
import { fitBound, planFit, type Size } from "../lib/fit";
import { type FitParams, parseFitParams } from "../lib/fit-params";
import { md5Hex } from "../lib/md5";
import { timed } from "../lib/timing";
import { admission, admitImage, renderReservation } from "../memory";
import { parseSourceUrl, requireSources } from "../source/fetchSource";
import { verifySignature } from "../source/signature";
import { planRender, type RenderPlan, renderStyled, type StyleJob } from "../style/render";
import { renderInStrips, stripRenderBytes, stripsServe } from "../style/renderStrips";
import { optionsOf, readImageSource, readImageUpload, serveCached, serverTiming } from "./respond";
import { outputFor, styleKeyParts } from "./style-options";
import type { AppEnv } from "./types";

/**
 * Filter options, sizes and output format of one styled image, validated
 * before any work. `size` gives the output size for AVIF's limits: exact for
 * an upload (from its header), a bound for a source not yet fetched.
 */
function styleJob(
	c: Context<AppEnv>,
	name: FilterName,
	options: Record<string, string>,
	size: (fit: FitParams) => (() => Size) | undefined,
): StyleJob {
	const fit = parseFitParams(options);
	const out: OutputChoice = outputFor(c, options, options.format, size(fit));
	return { name, params: parseFilterParams(name, options), fit, out };
}

/** A cache miss: admits, decodes straight to the size the fit needs, then crops, filters, pads and encodes. */
async function render(c: Context<AppEnv>, bytes: Uint8Array, job: StyleJob): Promise<CachedResult> {
	const stages: Record<string, number> = {};
	const gate = admission(c.env);
	let plan: RenderPlan | null = null;
	// The strip budget the reservation priced, when the strip pipeline serves this request.
	let strip: number | null = null;
	const { ticket } = await admitImage(gate, "filter", bytes, c.get("config").limits, (header) => {
		plan = planRender(bytes, header, job.fit);
		// A source's size is known only now: an AVIF asked for by name is checked against its limits here.
		const why =
			job.out.format === "avif" ? avifRefusal(plan.fit.output.width, plan.fit.output.height, gate.budgetBytes) : null;
		if (why) throw new UnprocessableError("avif_too_large", `${why}; use format=auto or webp`, { parameter: "format" });
		if (!stripsServe(plan)) return renderReservation(plan, job);
		const priced = stripRenderBytes(plan, job, gate.budgetBytes);
		strip = priced.strip;
		return { plan: plan.decode, bytes: priced.bytes };
	});
	try {
		const encoded =
			strip === null
				? await renderStyled(bytes, plan!, job, (stage, run) => timed(stages, stage, run))
				: await renderInStrips(bytes, plan!, job, strip, stages);
		return { body: encoded.bytes, contentType: encoded.mime, headers: { "server-timing": serverTiming(stages) } };
	} finally {
		ticket.release();
	}
}

/**
 * /api/style/:name answers with the styled image itself, for <img> and blob
 * front-ends. POST styles an upload, cached under its MD5; GET styles the
 * image at `url`, cached under that URL, so a repeat never fetches it again.
 * Both take the filter's options, the sizes of src/lib/fit-params.ts and the
 * output format.
 */
export const styleRoutes = new Hono<AppEnv>()
	.post("/:name", async (c) => {
		const name = toFilterName(c.req.param("name"));
		const upload = await readImageUpload(c);
		const options = optionsOf(c, upload);
		const job = styleJob(c, name, options, (fit) => () => planFit(displaySize(probeImage(upload.bytes)), fit).output);
		return serveCached(c, {
			key: await resultKey(styleKeyParts(await md5Hex(upload.bytes), job)),
			negotiated: job.out.negotiated,
			compute: () => render(c, upload.bytes, job),
		});
	})
	.get("/:name", async (c) => {
		const { source, signingKey } = c.get("config");
		requireSources(source.origins);
		if (signingKey) await verifySignature(signingKey, c.req.url);
		const name = toFilterName(c.req.param("name"));
		const { url: raw, sig: _sig, ...options } = c.req.query();
		const url = parseSourceUrl(raw, source.origins);
		// Before the fetch only a bound is known: format=auto picks AVIF only within it, and
		// format=avif is checked against the real size once the header is read.
		const unbounded = { width: Number.POSITIVE_INFINITY, height: Number.POSITIVE_INFINITY };
		const explicit = options.format?.toLowerCase() === "avif";
		const job = styleJob(c, name, options, (fit) => (explicit ? undefined : () => fitBound(fit) ?? unbounded));
		const id = await md5Hex(new TextEncoder().encode(`url:${url.href}`));
		return serveCached(c, {
			key: await resultKey(styleKeyParts(id, job)),
			negotiated: job.out.negotiated,
			compute: async () => render(c, await readImageSource(c, url), job),
		});
	});
