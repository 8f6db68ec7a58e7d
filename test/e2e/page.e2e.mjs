// The page at GET / in Debian's chromium against `wrangler dev`: upload a
// label photo, read its text and boxes, see four styled previews, move a
// slider, download a result and the searchable PDF, and be told why a text file is refused.
// Run with `npm run test:e2e`; prints one line per check and "N passed, M failed".
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractText } from "unpdf";
import { assert, jpegSize, launchBrowser, ledger, startOrigin, startWrangler } from "./harness.mjs";
import { overlayGeometry, previewStats } from "./probes.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Test an app that is already running (a deployment, or a dev server started by hand) instead of starting one. */
const EXTERNAL = process.env.INKSTONE_E2E_URL;
const FIXTURE = join(ROOT, "test/fixtures/dev_en_label_01.jpg");
const GROUND_TRUTH = join(ROOT, "test/fixtures/dev_en_label_01.gt.txt");
const ARTIFACTS = join(ROOT, "test/artifacts");
const FILTERS = ["sketch", "color_sketch", "oil", "watercolor"];
/** Smaller than the fixture's long side, so the previews must come back downscaled. */
const PREVIEW_SIDE = 256;
/** Share of the ground truth's words (4+ characters) the OCR text must contain. */
const MIN_WORD_RECALL = 0.7;
const LIMITS = { run: 270_000, startup: 90_000, ocr: 90_000, styles: 90_000, step: 30_000 };

const t = ledger();
let server = null;
let browser = null;
let origin = null;

const watchdog = setTimeout(() => {
	console.log(`FAIL the run exceeded ${LIMITS.run / 1000} s; stopping`);
	server?.killNow();
	console.log(`${t.passed} passed, ${t.failed + 1} failed`);
	process.exit(1);
}, LIMITS.run);
for (const sig of ["SIGINT", "SIGTERM"]) {
	process.on(sig, () => {
		server?.killNow();
		process.exit(130);
	});
}

async function main() {
	const needs = EXTERNAL ? [CHROMIUM] : [CHROMIUM, join(ROOT, "models"), join(ROOT, "build/kernels")];
	const missing = needs.filter((p) => !existsSync(p));
	if (missing.length) {
		t.fail("prerequisites", `missing ${missing.join(", ")} (run scripts/ensure-chromium.sh and npm run build)`);
		return;
	}
	mkdirSync(ARTIFACTS, { recursive: true });
	// The source origin of styled images by URL: the fixture on a local port, the only origin allowed.
	origin = EXTERNAL ? null : await startOrigin({ "/label.jpg": readFileSync(FIXTURE) });
	server = EXTERNAL
		? { base: EXTERNAL.replace(/\/$/, ""), stop: async () => {}, killNow: () => {} }
		: await startWrangler(ROOT, { startupMs: LIMITS.startup, vars: { SOURCE_ORIGINS: origin.base } });
	console.log(`testing ${server.base}${EXTERNAL ? "" : " (wrangler dev)"}`);
	browser = await launchBrowser(CHROMIUM);
	const page = await browser.context.newPage();
	page.setDefaultTimeout(LIMITS.step);
	const pageErrors = [];
	page.on("pageerror", (err) => pageErrors.push(err.message));
	page.on("console", (msg) => {
		if (msg.type() === "error" && /Content Security Policy|Refused to/.test(msg.text())) pageErrors.push(msg.text());
	});

	await t.check("GET / serves the page with a content security policy", async () => {
		const res = await page.goto(`${server.base}/`, { waitUntil: "load" });
		assert(res?.status() === 200, `status ${res?.status()}`);
		assert((res.headers()["content-type"] ?? "").startsWith("text/html"), "not text/html");
		assert(/script-src 'nonce-/.test(res.headers()["content-security-policy"] ?? ""), "no nonce-based CSP");
		assert((await page.title()).includes("Inkstone"), "title lacks Inkstone");
	});

	await t.check("every control is labelled and the file picker is reachable by keyboard", async () => {
		const unlabelled = await page.$$eval("input, select", (els) =>
			els.filter((e) => !e.labels?.length && !e.getAttribute("aria-label")).map((e) => e.id || e.tagName),
		);
		assert(unlabelled.length === 0, `unlabelled: ${unlabelled.join(", ")}`);
		for (let i = 0; i < 8; i++) {
			await page.keyboard.press("Tab");
			if ((await page.evaluate(() => document.activeElement?.id)) === "file") return `${i + 1} Tab presses`;
		}
		throw new Error("the file input never received focus");
	});

	await t.check("every slider takes its range and default from GET /api/filters", async () => {
		const served = (await (await fetch(`${server.base}/api/filters`)).json()).data.filters;
		await page.locator("#param-oil").waitFor({ state: "attached" });
		const sliders = await page.$$eval(".card input[type=range]", (els) =>
			els.map((e) => ({
				card: e.closest(".card").dataset.name,
				param: e.dataset.param,
				min: e.min,
				max: e.max,
				value: e.value,
			})),
		);
		assert(sliders.length === FILTERS.length, `${sliders.length} sliders for ${FILTERS.length} previews`);
		for (const s of sliders) {
			const p = served.find((f) => f.name === s.card)?.params.find((x) => x.name === s.param);
			assert(p, `${s.card}.${s.param} is not in the catalogue`);
			const min = p.exclusive_min ? p.min + (p.step || (p.integer ? 1 : (p.max - p.min) / 100)) : p.min;
			assert(Number(s.max) === p.max, `${s.card}.${s.param} max ${s.max}, catalogue ${p.max}`);
			assert(Math.abs(Number(s.min) - min) < 1e-9, `${s.card}.${s.param} min ${s.min}, catalogue ${min}`);
			assert(Number(s.value) === p.default, `${s.card}.${s.param} starts at ${s.value}, catalogue ${p.default}`);
		}
		return sliders.map((s) => `${s.card}.${s.param} ${s.min}-${s.max}`).join(", ");
	});

	await t.check("without the catalogue the page shows the API's error and no sliders", async () => {
		const other = await browser.context.newPage();
		const message = "e2e: the filter catalogue is unavailable";
		await other.route("**/api/filters", (route) =>
			route.fulfill({
				status: 503,
				contentType: "application/json",
				body: JSON.stringify({ success: false, data: null, error: { code: "overloaded", message } }),
			}),
		);
		try {
			await other.goto(`${server.base}/`, { waitUntil: "load" });
			await other.locator("#error").waitFor({ state: "visible", timeout: LIMITS.step });
			const shown = await other.locator("#error").textContent();
			assert(shown.includes(message), `page shows "${shown}"`);
			const cards = await other.locator(".card").count();
			const sliders = await other.locator(".card input[type=range]").count();
			assert(cards === FILTERS.length && sliders === 0, `${cards} cards, ${sliders} sliders`);
			return shown;
		} finally {
			await other.close();
		}
	});

	const size = jpegSize(readFileSync(FIXTURE));
	const scale = Math.min(1, PREVIEW_SIDE / Math.max(size.width, size.height));
	const expected = { width: Math.round(size.width * scale), height: Math.round(size.height * scale) };
	await page.selectOption("#max-side", String(PREVIEW_SIDE));
	await page.setInputFiles("#file", FIXTURE);

	const ocrShown = await t.check("OCR text appears beside the image", async () => {
		await page.waitForFunction(
			() => document.querySelectorAll("#lines li").length > 0 || !document.getElementById("ocr-note").hidden,
			null,
			{ timeout: LIMITS.ocr },
		);
		const note = await page.$eval("#ocr-note", (n) => (n.hidden ? "" : n.textContent));
		assert(!note, `the page says: ${note}`);
		return `${await page.locator("#lines li").count()} lines`;
	});

	if (ocrShown) {
		await t.check("OCR text contains the label's words", async () => {
			const text = (await page.$$eval("#lines .t", (els) => els.map((e) => e.textContent).join("\n"))).toLowerCase();
			const words = [
				...new Set(
					readFileSync(GROUND_TRUTH, "utf8")
						.toLowerCase()
						.match(/[a-z0-9]{4,}/g),
				),
			];
			const found = words.filter((w) => text.includes(w));
			const recall = found.length / words.length;
			const missed = words.filter((w) => !found.includes(w));
			assert(recall >= MIN_WORD_RECALL, `found ${found.length}/${words.length}; missing ${missed.join(" ")}`);
			return `${found.length}/${words.length} words${missed.length ? `; missing ${missed.join(" ")}` : ""}`;
		});

		await t.check("one box per line, drawn over the same pixels of the displayed image", async () => {
			const info = await page.evaluate(overlayGeometry);
			assert(info.polygons === info.lines, `${info.polygons} boxes for ${info.lines} lines`);
			assert(info.outside === 0, `${info.outside} box corners outside the image`);
			assert(info.viewBox.join() === info.natural.join(), `viewBox ${info.viewBox} for an image of ${info.natural}`);
			assert(info.worst < 2, `boxes land up to ${info.worst.toFixed(1)} px away from their pixels`);
			return `within ${info.worst.toFixed(2)} px`;
		});

		await t.check("hovering a line highlights its box, and the reverse", async () => {
			const active = () =>
				page.evaluate(() => ({
					boxes: [...document.querySelectorAll("#boxes polygon.active")].map((p) => p.dataset.i),
					lines: [...document.querySelectorAll("#lines li.active")].map((p) => p.dataset.i),
				}));
			await page.locator('#lines li[data-i="0"]').hover();
			let a = await active();
			assert(a.boxes.join() === "0", `hovering line 0 highlighted boxes [${a.boxes}]`);
			const last = String((await page.locator("#boxes polygon").count()) - 1);
			await page.locator(`#boxes polygon[data-i="${last}"]`).hover();
			a = await active();
			assert(a.lines.join() === last, `hovering box ${last} highlighted lines [${a.lines}]`);
			await page.mouse.move(2, 2);
			a = await active();
			assert(a.boxes.length === 0 && a.lines.length === 0, "highlight stayed after the pointer left");
		});

		await t.check("the searchable PDF downloads, with the OCR text as its text layer", async () => {
			const button = page.locator("#pdf-download");
			assert(await button.isVisible(), "no PDF button after OCR");
			const [download] = await Promise.all([page.waitForEvent("download", { timeout: LIMITS.ocr }), button.click()]);
			const path = join(ARTIFACTS, download.suggestedFilename());
			await download.saveAs(path);
			assert(download.suggestedFilename() === "inkstone-dev_en_label_01.pdf", `named ${download.suggestedFilename()}`);
			const bytes = new Uint8Array(readFileSync(path));
			assert(new TextDecoder().decode(bytes.subarray(0, 5)) === "%PDF-", "not a PDF");
			// pdf.js takes over the buffer it is given: hand it a copy.
			const { text } = await extractText(bytes.slice(), { mergePages: true });
			const flat = (s) => s.replace(/\s+/g, " ").trim();
			const shown = flat(await page.$$eval("#lines .t", (els) => els.map((e) => e.textContent).join(" ")));
			assert(flat(text) === shown, `the PDF reads "${flat(text)}", the page shows "${shown}"`);
			return `${bytes.length} bytes, ${text.length} characters of text`;
		});
	}

	const previews = await t.check("four styled previews render at the requested size", async () => {
		// The status line says "Done" or "Finished with errors" once both calls have settled.
		await page.waitForFunction(() => /^(Done|Finished)/.test(document.getElementById("status").textContent), null, {
			timeout: LIMITS.styles,
		});
		const missing = await page.$$eval(".card", (els) =>
			els.filter((c) => !c.querySelector("img").getAttribute("src")).map((c) => c.dataset.name),
		);
		const err = await page.$eval("#error", (e) => (e.hidden ? "" : e.textContent));
		assert(missing.length === 0, `no preview for ${missing.join(", ")}${err ? `; the page says: ${err}` : ""}`);
		await page.waitForFunction(() => [...document.querySelectorAll(".card img")].every((i) => i.complete));
		const cards = await page.$$eval(".card", previewStats);
		for (const name of FILTERS) {
			const c = cards.find((x) => x.name === name);
			assert(c, `no card for ${name}`);
			assert(c.width > 0 && c.height > 0, `${name} did not decode`);
			const off = Math.abs(c.width - expected.width) + Math.abs(c.height - expected.height);
			assert(off <= 2, `${name} is ${c.width}x${c.height}, expected ${expected.width}x${expected.height}`);
			assert(c.spread > 3, `${name} is flat (luma spread ${c.spread.toFixed(2)})`);
			const timing = c.cache === "MISS" ? /^filter [0-9.]+ ms · encode [0-9.]+ ms/ : /^from cache/;
			assert(timing.test(c.timing), `${name} (${c.cache}) shows "${c.timing}"`);
		}
		return `${expected.width}x${expected.height} each`;
	});

	if (previews) {
		await t.check("moving the oil slider re-renders that preview", async () => {
			const slider = page.locator("#param-oil");
			const before = Number(await slider.inputValue());
			await slider.focus();
			await page.keyboard.press("ArrowRight");
			await page.keyboard.press("ArrowRight");
			const img = page.locator('.card[data-name="oil"] img');
			await page.waitForFunction(
				() => {
					const i = document.querySelector('.card[data-name="oil"] img');
					return i.src.startsWith("blob:") && i.complete && i.naturalWidth > 0;
				},
				null,
				{ timeout: LIMITS.styles },
			);
			const dims = await img.evaluate((i) => [i.naturalWidth, i.naturalHeight]);
			const off = Math.abs(dims[0] - expected.width) + Math.abs(dims[1] - expected.height);
			assert(off <= 2, `re-render is ${dims.join("x")}, expected ${expected.width}x${expected.height}`);
			const out = await page.locator('.card[data-name="oil"] output').textContent();
			assert(Number(out) === before + 2, `slider shows ${out}, expected ${before + 2}`);
			return `size ${before} -> ${out}, ${await page.locator('.card[data-name="oil"] .meta').textContent()}`;
		});

		await t.check("a preview downloads as a JPEG file", async () => {
			const [download] = await Promise.all([
				page.waitForEvent("download"),
				page.locator('.card[data-name="sketch"] a.button').click(),
			]);
			const path = join(ARTIFACTS, download.suggestedFilename());
			await download.saveAs(path);
			const bytes = readFileSync(path);
			assert(download.suggestedFilename() === "inkstone-sketch.jpg", `named ${download.suggestedFilename()}`);
			assert(bytes[0] === 0xff && bytes[1] === 0xd8, "not a JPEG");
			return `${statSync(path).size} bytes`;
		});
	}

	if (previews) {
		await t.check("Copy image URL links to a preview's style by URL, or the page says why it cannot", async () => {
			const ready = await page.$eval("#by-url", (e) => e.dataset.ready === "yes");
			const note = () => page.locator("#by-url-note").textContent();
			const disabled = () => page.$$eval(".card-foot button", (bs) => bs.map((b) => b.disabled));
			if (!ready || !origin) {
				assert((await disabled()).every(Boolean), "a copy button is enabled although links cannot work here");
				assert((await note()).length > 20, "no explanation on the page");
				return `not offered: ${await note()}`;
			}
			assert((await disabled()).every(Boolean), "copy buttons are enabled before a source URL is given");
			await page.fill("#source-url", "https://elsewhere.example/label.jpg");
			assert((await disabled()).every(Boolean), "a source on another origin enabled the copy buttons");
			assert((await page.getAttribute("#by-url-note", "class")).includes("bad"), "no warning for a refused origin");
			await page.fill("#source-url", `${origin.base}/label.jpg`);
			assert(
				(await disabled()).every((d) => !d),
				"copy buttons stay disabled for an allowed source",
			);
			await page.locator('.card[data-name="oil"] .card-foot button').click();
			await page.locator("#image-url").waitFor({ state: "visible" });
			const url = await page.inputValue("#image-url");
			const size = await page.locator('.card[data-name="oil"] output').textContent();
			assert(url.startsWith(`${server.base}/api/style/oil?url=`), `the link is ${url}`);
			assert(new URL(url).searchParams.get("url") === `${origin.base}/label.jpg`, `the link's source is wrong: ${url}`);
			assert(new URL(url).searchParams.get("size") === size, `the link does not carry the slider's size ${size}`);
			const res = await fetch(url);
			if (res.status !== 200) throw new Error(`GET of the link answered ${res.status}: ${await res.text()}`);
			assert(res.headers.get("content-type") === "image/jpeg", `the link serves ${res.headers.get("content-type")}`);
			const dims = jpegSize(new Uint8Array(await res.arrayBuffer()));
			const off = Math.abs(dims.width - expected.width) + Math.abs(dims.height - expected.height);
			assert(
				off <= 2,
				`the link's image is ${dims.width}x${dims.height}, expected ${expected.width}x${expected.height}`,
			);
			// The page shows the rendering by that URL too.
			const shown = await page.evaluate(async (u) => {
				const img = new Image();
				img.src = u;
				await img.decode();
				return [img.naturalWidth, img.naturalHeight];
			}, url);
			assert(shown[0] === dims.width && shown[1] === dims.height, `the browser decoded ${shown.join("x")}`);
			return `${dims.width}x${dims.height}, X-Cache ${res.headers.get("x-cache")}`;
		});
	}

	await page.screenshot({ path: join(ARTIFACTS, "page.png"), fullPage: true });
	console.log(`screenshot: ${join(ARTIFACTS, "page.png")}`);

	await t.check("a refused upload shows the API's own error message", async () => {
		const txt = join(tmpdir(), "inkstone-e2e-notes.txt");
		writeFileSync(txt, "shopping list\nmilk, eggs, bread\n");
		const form = new FormData();
		form.append("file", new Blob([readFileSync(txt)], { type: "text/plain" }), "notes.txt");
		const res = await fetch(`${server.base}/api/styles`, { method: "POST", body: form });
		const body = await res.json();
		assert(res.status >= 400 && res.status < 500, `the API answered ${res.status} to a text file`);
		assert(body.error?.message, "the API gave no error message");
		await page.setInputFiles("#file", txt);
		await page.locator("#error").waitFor({ state: "visible", timeout: LIMITS.step });
		const shown = await page.locator("#error").textContent();
		assert(shown.includes(body.error.message), `page shows "${shown}", API says "${body.error.message}"`);
		await page.screenshot({ path: join(ARTIFACTS, "page-refused.png"), fullPage: true });
		return `${res.status}: ${body.error.message}`;
	});

	await t.check("no script errors or policy violations", async () => {
		assert(pageErrors.length === 0, pageErrors.join(" | "));
	});
}

try {
	await main();
} catch (err) {
	t.fail("run", err instanceof Error ? err.message : String(err));
} finally {
	await browser?.close();
	await server?.stop();
	await origin?.stop();
	clearTimeout(watchdog);
}
console.log(`${t.passed} passed, ${t.failed} failed`);
process.exit(t.failed > 0 ? 1 : 0);
