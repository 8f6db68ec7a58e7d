import { OCR_CLIENT } from "./page-script-ocr";
import { URL_CLIENT } from "./page-script-url";

/**
 * The page's client script. Plain ES2020 for any current browser; no template literals inside.
 * Slider ranges come from GET /api/filters alone: the page keeps no copy of the catalogue.
 */
export function pageScript(): string {
	return `(function () {\n"use strict";\n${CLIENT}\n${OCR_CLIENT}\n${URL_CLIENT}\n})();`;
}

const CLIENT = String.raw`
var TITLES = { sketch: "Pencil sketch", color_sketch: "Colour sketch", oil: "Oil painting", watercolor: "Watercolour" };
var MAIN = { sketch: "sigma_s", color_sketch: "sigma_s", watercolor: "sigma_s", oil: "size" };
var PARAM_TITLES = { sigma_s: "Smoothing (sigma_s)", size: "Brush size", sigma_r: "Edge range (sigma_r)", dyn_ratio: "Dynamic ratio" };
var KEY_STORE = "inkstone.apiKey";
var $ = function (id) { return document.getElementById(id); };
var PREVIEWS = ["sketch", "color_sketch", "oil", "watercolor"];
var state = { file: null, gen: 0, controller: null, styleController: null, cards: {}, sourceUrl: null, textUrl: null, filtersError: null };
var keyInput = $("api-key"), statusEl = $("status"), errorEl = $("error");

try { keyInput.value = localStorage.getItem(KEY_STORE) || ""; } catch (e) { /* storage may be disabled */ }
keyInput.addEventListener("change", function () {
	try { if (keyInput.value.trim()) localStorage.setItem(KEY_STORE, keyInput.value.trim()); else localStorage.removeItem(KEY_STORE); } catch (e) {}
});

function authHeaders() { var k = keyInput.value.trim(); return k ? { Authorization: "Bearer " + k } : {}; }
function el(tag, cls, text) { var n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; }
function ms(v) { return v >= 100 ? Math.round(v) + " ms" : (Math.round(v * 10) / 10) + " ms"; }
function busy(root, on) { var b = root.querySelector(".busy"); if (b) b.hidden = !on; root.setAttribute("aria-busy", on ? "true" : "false"); }
function maxSide() { return $("max-side").value; }

async function messageOf(res) {
	try { var body = await res.json(); if (body && body.error && body.error.message) return body.error.message; } catch (e) {}
	return "the server answered " + res.status + (res.statusText ? " " + res.statusText : "");
}
async function post(path, file, signal) {
	var form = new FormData();
	form.append("file", file, file.name || "upload");
	var res;
	try { res = await fetch(path, { method: "POST", body: form, headers: authHeaders(), signal: signal }); }
	catch (e) { if (e.name === "AbortError") throw e; throw new Error("the server could not be reached"); }
	if (res.status === 401) keyInput.closest("details").open = true;
	if (!res.ok) throw new Error(await messageOf(res));
	return res;
}

function showErrors(messages) {
	errorEl.textContent = "";
	messages = (state.filtersError ? [state.filtersError] : []).concat(messages);
	var unique = messages.filter(function (m, i) { return messages.indexOf(m) === i; });
	unique.forEach(function (m) { errorEl.appendChild(el("p", null, m)); });
	errorEl.hidden = unique.length === 0;
}

/**
 * The four previews (the default names of POST /api/styles), with slider ranges from GET /api/filters.
 * When the catalogue does not answer, the page shows why and renders the previews without sliders.
 */
function pickFilters(served) {
	return PREVIEWS.map(function (name) {
		var s = served.filter(function (x) { return x && x.name === name && Array.isArray(x.params); })[0];
		return s || { name: name, description: "", params: [] };
	});
}
function filtersFailed(message) {
	state.filtersError = "Filter catalogue: " + message;
	showErrors([]);
	return buildCards(pickFilters([]));
}
async function loadFilters() {
	var res, body;
	try { res = await fetch("/api/filters", { headers: authHeaders() }); }
	catch (e) { return filtersFailed("the server could not be reached"); }
	if (res.status === 401) keyInput.closest("details").open = true;
	if (!res.ok) return filtersFailed(await messageOf(res));
	try { body = await res.json(); } catch (e) { return filtersFailed("the answer is not JSON"); }
	var served = body && body.data && body.data.filters;
	if (!Array.isArray(served)) return filtersFailed("the answer lists no filters");
	if (state.filtersError) { state.filtersError = null; showErrors([]); }
	return buildCards(pickFilters(served));
}
var ready = loadFilters();
// A catalogue refused for want of an API key is asked for again once one is entered.
keyInput.addEventListener("change", function () { if (state.filtersError) ready = loadFilters(); });

function mainParam(f) {
	var want = MAIN[f.name];
	return f.params.filter(function (p) { return p.name === want; })[0] || f.params[0];
}

function buildCards(filters) {
	var root = $("cards");
	root.textContent = "";
	state.cards = {};
	filters.forEach(function (f) {
		var title = TITLES[f.name] || f.name.replace(/_/g, " ");
		var p = mainParam(f);
		var card = el("article", "card");
		card.dataset.name = f.name;
		var head = el("div", "card-head");
		head.append(el("h3", null, title), el("span", "tag", "-"));
		var frame = el("div", "frame");
		var img = el("img");
		img.alt = title + " rendering of the uploaded image";
		var spin = el("div", "busy"); spin.hidden = true;
		spin.append(el("span", "spinner"), el("span", null, "Rendering"));
		frame.append(img, spin);
		var timing = el("p", "meta", "waiting for an image");
		var about = el("p", "desc", f.description || "");
		about.title = f.opencv ? f.opencv + ": " + about.textContent : about.textContent;
		card.append(head, about, frame, timing);
		var slider = null, out = null;
		if (p) {
			var id = "param-" + f.name;
			var label = el("label"); label.htmlFor = id;
			out = el("output"); out.htmlFor = id;
			label.append(el("span", null, PARAM_TITLES[p.name] || p.name), out);
			slider = el("input"); slider.type = "range"; slider.id = id;
			slider.step = p.step || (p.integer ? 1 : (p.max - p.min) / 100);
			slider.min = p.exclusive_min ? p.min + Number(slider.step) : p.min; slider.max = p.max;
			slider.value = p.default; out.textContent = slider.value;
			slider.dataset.param = p.name;
			card.append(label, slider);
			var timer = 0;
			slider.addEventListener("input", function () { out.textContent = slider.value; });
			slider.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(function () { rerender(f.name); }, 150); });
		}
		var foot = el("div", "card-foot");
		var link = el("a", "button", "Download"); link.hidden = true;
		link.setAttribute("aria-label", "Download " + title);
		var copy = el("button", "button", "Copy image URL"); copy.type = "button"; copy.disabled = true;
		copy.setAttribute("aria-describedby", "by-url-note");
		copy.addEventListener("click", function () { copyImageUrl(f.name); });
		foot.append(link, copy);
		card.append(foot);
		root.append(card);
		state.cards[f.name] = { card: card, img: img, tag: head.lastChild, timing: timing, slider: slider, link: link, copy: copy, controller: null, blobUrl: null };
	});
	syncCopyButtons();
	return filters;
}

function showResult(name, src, info) {
	var c = state.cards[name];
	if (!c) return;
	c.img.src = src;
	c.link.href = src;
	c.link.download = "inkstone-" + name + ".jpg";
	c.link.hidden = false;
	var cached = /HIT|EDGE/.test(info.cache || "");
	c.tag.textContent = info.cache || "-";
	c.tag.classList.toggle("hit", cached);
	var round = info.round_ms ? " · round trip " + ms(info.round_ms) : "";
	// A cached answer repeats the timing of the render that produced it, so say where it came from instead.
	c.timing.textContent = cached ? "from cache" + round : "filter " + ms(info.filter_ms || 0) + " · encode " + ms(info.encode_ms || 0) + round;
}

async function runStyles(file, signal) {
	var names = Object.keys(state.cards);
	names.forEach(function (n) { busy(state.cards[n].card, true); });
	var q = ["names=" + names.join(","), "max_side=" + maxSide(), "format=jpeg"];
	names.forEach(function (n) { var s = state.cards[n].slider; if (s) q.push(n + "." + s.dataset.param + "=" + s.value); });
	try {
		var t0 = performance.now();
		var res = await post("/api/styles?" + q.join("&"), file, signal);
		var data = (await res.json()).data;
		$("styles-meta").textContent = data.width + " × " + data.height + " px · " + ms(performance.now() - t0) + " for all " + names.length;
		names.forEach(function (n) { var r = data.results[n]; if (r) showResult(n, r.image, r); });
	} finally {
		names.forEach(function (n) { busy(state.cards[n].card, false); });
	}
}

function serverTiming(header, name) {
	var m = new RegExp("(?:^|,)\\s*" + name + ";[^,]*dur=([0-9.]+)").exec(header || "");
	return m ? Number(m[1]) : 0;
}

async function rerender(name) {
	var c = state.cards[name];
	if (!state.file || !c || !c.slider) return;
	if (c.controller) c.controller.abort();
	var controller = c.controller = new AbortController();
	busy(c.card, true);
	var q = c.slider.dataset.param + "=" + c.slider.value + "&max_side=" + maxSide() + "&format=jpeg";
	try {
		var t0 = performance.now();
		var res = await post("/api/style/" + name + "?" + q, state.file, controller.signal);
		var blob = await res.blob();
		var timing = res.headers.get("server-timing");
		if (c.blobUrl) URL.revokeObjectURL(c.blobUrl);
		c.blobUrl = URL.createObjectURL(blob);
		showResult(name, c.blobUrl, { cache: res.headers.get("x-cache"), filter_ms: serverTiming(timing, "filter"), encode_ms: serverTiming(timing, "encode"), round_ms: performance.now() - t0 });
		showErrors([]);
	} catch (e) {
		if (e.name !== "AbortError") showErrors([TITLES[name] + ": " + e.message]);
	} finally {
		if (c.controller === controller) { busy(c.card, false); c.controller = null; }
	}
}
`;
