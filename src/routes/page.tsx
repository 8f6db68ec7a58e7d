import { Hono } from "hono";
import { html } from "hono/html";
import { pageScript } from "./page-script";
import { PAGE_STYLE } from "./page-style";
import type { AppEnv } from "./types";

/** Preview sizes offered on the page; the API caps max_side at 4096. */
const PREVIEW_SIZES = [256, 512, 1024, 2048];
const DEFAULT_PREVIEW = 1024;

function Spinner(props: { label: string }) {
	return (
		<div class="busy" hidden>
			<span class="spinner" aria-hidden="true" />
			<span>{props.label}</span>
		</div>
	);
}

function Header() {
	return (
		<header class="top">
			<div class="brand">
				<span class="seal" aria-hidden="true">
					I
				</span>
				<div>
					<h1>Inkstone</h1>
					<p class="tagline">Text recognition and painterly filters, computed at the edge.</p>
				</div>
			</div>
			<details class="key">
				<summary>API key</summary>
				<label for="api-key">Bearer token, kept in this browser only</label>
				<input id="api-key" type="password" autocomplete="off" spellcheck={false} placeholder="optional" />
			</details>
		</header>
	);
}

function Intake() {
	return (
		<section class="intake" aria-labelledby="intake-h">
			<h2 id="intake-h" class="sr-only">
				Choose an image
			</h2>
			<label id="drop" class="drop" for="file">
				<input id="file" class="sr-only" type="file" accept="image/jpeg,image/png,image/webp" />
				<span class="drop-title">Drop an image here, or choose one</span>
				<span class="drop-hint" id="drop-hint">
					JPEG, PNG or WebP. Press Enter or Space to open the file picker; you can also paste an image.
				</span>
			</label>
			<div class="controls">
				<label for="max-side">Preview size</label>
				<select id="max-side">
					{PREVIEW_SIZES.map((n) => (
						<option value={String(n)} selected={n === DEFAULT_PREVIEW}>
							{n} px
						</option>
					))}
				</select>
				<p id="status" class="status" role="status" aria-live="polite" />
			</div>
			<div id="error" class="error" role="alert" hidden />
		</section>
	);
}

function TextPanel() {
	return (
		<section id="text-panel" class="panel" aria-labelledby="text-h" hidden>
			<div class="panel-head">
				<h2 id="text-h">Text</h2>
				<p id="ocr-meta" class="meta" />
			</div>
			<div class="text-grid">
				<figure class="stage">
					<img id="source" alt="" />
					<svg id="boxes" aria-hidden="true" preserveAspectRatio="xMidYMid meet" />
					<Spinner label="Reading text" />
				</figure>
				<div class="lines-col">
					<ol id="lines" class="lines" aria-label="Recognised lines" />
					<p id="ocr-note" class="note" hidden />
					<a id="text-download" class="button" href="#text-h" download="inkstone-text.txt" hidden>
						Download text
					</a>
					<button id="pdf-download" class="button" type="button" hidden>
						Download searchable PDF
					</button>
				</div>
			</div>
		</section>
	);
}

/** How this server takes styled images by URL, as the page needs to know it to offer links. */
export interface UrlSupport {
	origins: string[];
	signing: boolean;
	apiKey: boolean;
}

/**
 * Why no link can be offered, or null when one can: the page never makes a
 * URL the server would refuse.
 */
export function urlBlocker(s: UrlSupport): string | null {
	if (s.origins.length === 0) {
		return "Image URLs are off on this server: it fetches source images only from the origins listed in SOURCE_ORIGINS, and that lists none. Set it (see the README) to link to styled images.";
	}
	if (s.signing) {
		return "This server signs image URLs: each needs a sig computed with SIGNING_KEY, which stays on the server, so this page cannot make one. Sign them where the key lives (README, Signed URLs).";
	}
	if (s.apiKey) {
		return "This server needs an API key on every route, which an image URL cannot carry. Set SIGNING_KEY to serve signed image URLs without it.";
	}
	return null;
}

function ByUrl(props: UrlSupport) {
	const blocker = urlBlocker(props);
	return (
		<div id="by-url" class="by-url" data-origins={props.origins.join(" ")} data-ready={blocker ? "no" : "yes"}>
			<label for="source-url">Source image URL, for links to styled images</label>
			<input
				id="source-url"
				type="url"
				autocomplete="off"
				spellcheck={false}
				placeholder={props.origins[0] ? `${props.origins[0]}/photo.jpg` : "not available"}
				disabled={blocker !== null}
			/>
			<p id="by-url-note" class="note">
				{blocker ??
					`Give the address of this image on ${props.origins.join(" or ")}; each preview's "Copy image URL" then links to it styled with that preview's settings.`}
			</p>
			<input id="image-url" class="image-url" type="text" readonly aria-label="Image URL" hidden />
		</div>
	);
}

function StylesPanel(props: UrlSupport) {
	return (
		<section id="styles-panel" class="panel" aria-labelledby="styles-h" hidden>
			<div class="panel-head">
				<h2 id="styles-h">Styles</h2>
				<p id="styles-meta" class="meta" />
			</div>
			<ByUrl {...props} />
			<div id="cards" class="cards" />
		</section>
	);
}

function HowTo(props: { origin: string }) {
	const o = props.origin;
	return (
		<section class="howto" aria-labelledby="howto-h">
			<h2 id="howto-h">Call it yourself</h2>
			<p>
				Every request takes the image as multipart field <code>file</code>, a raw body, or JSON{" "}
				<code>{'{ "image": "<base64>" }'}</code>. JSON answers share one envelope:{" "}
				<code>{"{ success, data, error, request_id, timestamp }"}</code>.
			</p>
			<pre>
				<code>
					{`# text, with a 4-point box and a confidence per line
curl -F file=@photo.jpg '${o}/api/ocr'

# the same text as a searchable PDF (or output=text, hocr, alto, tsv)
curl -F file=@photo.jpg -o photo.pdf '${o}/api/ocr?output=pdf'

# four styled previews as data URLs, one decode
curl -F file=@photo.jpg '${o}/api/styles?names=sketch,color_sketch,oil,watercolor&max_side=1024'

# one style as image bytes, with its own parameters, cropped to a 300 px square
curl -F file=@photo.jpg -o oil.jpg '${o}/api/style/oil?size=9&w=300&h=300&fit=cover&format=jpeg'

# the same for an image by URL (its origin listed in SOURCE_ORIGINS; signed when SIGNING_KEY is set)
curl -o oil.jpg '${o}/api/style/oil?url=https%3A%2F%2Fimg.example.com%2Fphoto.jpg&w=300'`}
				</code>
			</pre>
		</section>
	);
}

function Page(props: { nonce: string; origin: string; url: UrlSupport }) {
	return (
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="color-scheme" content="light dark" />
				<title>Inkstone: OCR and painterly filters</title>
				<link rel="icon" href="data:," />
				<style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: PAGE_STYLE }} />
			</head>
			<body>
				<Header />
				<main>
					<Intake />
					<TextPanel />
					<StylesPanel {...props.url} />
					<HowTo origin={props.origin} />
				</main>
				<script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: pageScript() }} />
			</body>
		</html>
	);
}

function randomNonce(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return btoa(String.fromCharCode(...bytes));
}

/**
 * GET / serves the demo page. Its script and styles are inline and bound to a
 * per-response nonce, so the policy can forbid everything else; the page talks
 * only to this origin's public API.
 */
export const pageRoutes = new Hono<AppEnv>().get("/", (c) => {
	const nonce = randomNonce();
	c.header(
		"Content-Security-Policy",
		[
			"default-src 'none'",
			`script-src 'nonce-${nonce}'`,
			`style-src 'nonce-${nonce}'`,
			"img-src 'self' data: blob:",
			"connect-src 'self'",
			"base-uri 'none'",
			"form-action 'none'",
			"frame-ancestors 'none'",
		].join("; "),
	);
	c.header("X-Content-Type-Options", "nosniff");
	c.header("Referrer-Policy", "no-referrer");
	c.header("Cache-Control", "no-cache");
	const config = c.get("config");
	const url = { origins: config.source.origins, signing: Boolean(config.signingKey), apiKey: Boolean(config.apiKey) };
	return c.html(html`<!doctype html>${<Page nonce={nonce} origin={new URL(c.req.url).origin} url={url} />}`);
});
