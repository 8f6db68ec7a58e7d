/**
 * The page's "Copy image URL": a GET /api/style/:name?url= link that renders
 * the image at a source URL with one preview's settings. The server says in
 * #by-url whether such links work here (origins listed, no signing, no API
 * key); when they do not, the buttons stay disabled and the note says why.
 */
export const URL_CLIENT = `
var byUrl = $("by-url");
var URL_ORIGINS = (byUrl.dataset.origins || "").split(" ").filter(Boolean);
var URL_READY = byUrl.dataset.ready === "yes";
var URL_NOTE = $("by-url-note").textContent;

function sourceUrl() {
	if (!URL_READY) return null;
	var v = $("source-url").value.trim(), u;
	if (!v) return null;
	try { u = new URL(v); } catch (e) { return null; }
	return URL_ORIGINS.indexOf(u.origin) >= 0 && !u.username && !u.password ? u.href : null;
}

function syncCopyButtons() {
	var src = sourceUrl();
	Object.keys(state.cards).forEach(function (n) { var b = state.cards[n].copy; if (b) b.disabled = !src; });
	if (!URL_READY) return;
	var note = $("by-url-note"), typed = $("source-url").value.trim();
	var refused = typed && !src;
	note.className = refused ? "note bad" : "note";
	note.textContent = refused ? "That address is not on " + URL_ORIGINS.join(" or ") + ", so the server would refuse it." : URL_NOTE;
}

function imageUrl(name) {
	var c = state.cards[name], src = sourceUrl();
	if (!c || !src) return null;
	var q = ["url=" + encodeURIComponent(src)];
	if (c.slider) q.push(c.slider.dataset.param + "=" + c.slider.value);
	q.push("max_side=" + maxSide(), "format=jpeg");
	return location.origin + "/api/style/" + name + "?" + q.join("&");
}

async function copyImageUrl(name) {
	var url = imageUrl(name), box = $("image-url");
	if (!url) return;
	box.value = url; box.hidden = false; box.dataset.name = name;
	try { await navigator.clipboard.writeText(url); statusEl.textContent = "Image URL copied"; }
	catch (e) { box.focus(); box.select(); statusEl.textContent = "Select the image URL above and copy it"; }
}

$("source-url").addEventListener("input", syncCopyButtons);
`;
