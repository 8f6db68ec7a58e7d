/** The OCR half of the client script: lines, boxes and the hover link between them. */
export const OCR_CLIENT = `
var SVG = "http://www.w3.org/2000/svg";
var linesEl = $("lines"), boxesEl = $("boxes");

function setActive(i) {
	[linesEl, boxesEl].forEach(function (root) {
		Array.prototype.forEach.call(root.querySelectorAll("[data-i]"), function (n) { n.classList.toggle("active", n.dataset.i === String(i)); });
	});
}
function indexOf(target) { var n = target && target.closest && target.closest("[data-i]"); return n ? n.dataset.i : null; }
linesEl.addEventListener("mouseover", function (e) { var i = indexOf(e.target); if (i !== null) setActive(i); });
linesEl.addEventListener("focusin", function (e) { var i = indexOf(e.target); if (i !== null) setActive(i); });
linesEl.addEventListener("mouseleave", function () { setActive(-1); });
linesEl.addEventListener("focusout", function () { setActive(-1); });
boxesEl.addEventListener("mouseover", function (e) {
	var i = indexOf(e.target);
	if (i === null) return;
	setActive(i);
	var li = linesEl.querySelector('[data-i="' + i + '"]');
	if (li) li.scrollIntoView({ block: "nearest" });
});
boxesEl.addEventListener("mouseout", function (e) { if (!e.relatedTarget || !boxesEl.contains(e.relatedTarget)) setActive(-1); });

function renderText(data) {
	linesEl.textContent = "";
	boxesEl.textContent = "";
	boxesEl.setAttribute("viewBox", "0 0 " + data.width + " " + data.height);
	data.lines.forEach(function (line, i) {
		var li = el("li");
		li.dataset.i = String(i);
		li.tabIndex = 0;
		li.append(el("span", "t", line.text), el("span", "c", Math.round(line.confidence * 100) + "%"));
		li.setAttribute("aria-label", line.text + ", confidence " + Math.round(line.confidence * 100) + " percent");
		linesEl.append(li);
		var poly = document.createElementNS(SVG, "polygon");
		poly.setAttribute("points", line.box.map(function (p) { return p[0] + "," + p[1]; }).join(" "));
		poly.dataset.i = String(i);
		var title = document.createElementNS(SVG, "title");
		title.textContent = line.text;
		poly.append(title);
		boxesEl.append(poly);
	});
	var note = $("ocr-note");
	note.className = "note";
	note.textContent = data.lines.length ? "" : "No text was found in this image.";
	note.hidden = data.lines.length > 0;
	var parts = [data.lines.length + (data.lines.length === 1 ? " line" : " lines"), data.width + " × " + data.height + " px"];
	Object.keys(data.timings || {}).forEach(function (k) { if (typeof data.timings[k] === "number") parts.push(k.replace(/_ms$/, "") + " " + ms(data.timings[k])); });
	$("ocr-meta").textContent = parts.join(" · ");
	if (state.textUrl) URL.revokeObjectURL(state.textUrl);
	state.textUrl = URL.createObjectURL(new Blob([data.text], { type: "text/plain;charset=utf-8" }));
	$("text-download").href = state.textUrl;
	$("text-download").hidden = !data.text;
	$("pdf-download").hidden = !data.lines.length;
}

// The PDF is asked for only when wanted: it is a second OCR request (output=pdf), answered from the
// cache after the first time, and saved through a blob URL so the API key can go in a header.
$("pdf-download").addEventListener("click", async function () {
	var btn = $("pdf-download"), file = state.file;
	if (!file || btn.disabled) return;
	btn.disabled = true;
	btn.textContent = "Making the PDF…";
	try {
		var res = await post("/api/ocr?output=pdf", file);
		var url = URL.createObjectURL(await res.blob());
		var a = el("a");
		a.href = url;
		a.download = "inkstone-" + (file.name ? file.name.replace(/.[^.]*$/, "") : "ocr") + ".pdf";
		document.body.append(a);
		a.click();
		a.remove();
		setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
	} catch (e) {
		showErrors([e.message]);
	} finally {
		btn.disabled = false;
		btn.textContent = "Download searchable PDF";
	}
});

async function runOcr(file, signal) {
	var stage = document.querySelector(".stage");
	busy(stage, true);
	try {
		var res = await post("/api/ocr", file, signal);
		renderText((await res.json()).data);
	} catch (e) {
		if (e.name !== "AbortError") { var note = $("ocr-note"); note.className = "note bad"; note.textContent = "No text: " + e.message; note.hidden = false; }
		throw e;
	} finally { busy(stage, false); }
}

function resetCards() {
	$("styles-meta").textContent = "";
	Object.keys(state.cards).forEach(function (n) {
		var c = state.cards[n];
		if (c.controller) c.controller.abort();
		c.img.removeAttribute("src"); c.link.hidden = true; c.tag.textContent = "-"; c.timing.textContent = "";
		if (c.blobUrl) { URL.revokeObjectURL(c.blobUrl); c.blobUrl = null; }
	});
	$("styles-panel").hidden = false;
}

function resetText(file) {
	linesEl.textContent = ""; boxesEl.textContent = ""; $("ocr-meta").textContent = "";
	$("ocr-note").hidden = true; $("text-download").hidden = true; $("pdf-download").hidden = true;
	if (state.sourceUrl) URL.revokeObjectURL(state.sourceUrl);
	state.sourceUrl = URL.createObjectURL(file);
	var src = $("source");
	src.hidden = false;
	src.onerror = function () { src.hidden = true; };
	src.src = state.sourceUrl;
	src.alt = "The uploaded image, " + (file.name || "pasted") + ", with a box around every line of text found";
	$("text-panel").hidden = false;
}

/** Runs OCR and the styles for a new upload, or only the styles again when the preview size changes. */
async function handle(file, stylesOnly) {
	if (!file) return;
	var gen = ++state.gen;
	if (state.styleController) state.styleController.abort();
	if (!stylesOnly && state.controller) state.controller.abort();
	var styleController = state.styleController = new AbortController();
	var controller = stylesOnly ? state.controller : (state.controller = new AbortController());
	state.file = file;
	await ready;
	showErrors([]);
	resetCards();
	if (!stylesOnly) resetText(file);
	var t0 = performance.now();
	var tick = setInterval(function () { statusEl.textContent = "Working… " + ((performance.now() - t0) / 1000).toFixed(1) + " s"; }, 200);
	statusEl.textContent = "Uploading " + (file.name || "image") + "…";
	var tasks = [runStyles(file, styleController.signal)];
	if (!stylesOnly) tasks.unshift(runOcr(file, controller.signal));
	var outcomes = await Promise.allSettled(tasks);
	clearInterval(tick);
	if (gen !== state.gen) return;
	var failed = outcomes.filter(function (o) { return o.status === "rejected" && o.reason.name !== "AbortError"; });
	showErrors(failed.map(function (o) { return o.reason.message; }));
	if (failed.length === 2) { $("text-panel").hidden = true; $("styles-panel").hidden = true; }
	statusEl.textContent = (failed.length ? "Finished with errors after " : "Done in ") + ((performance.now() - t0) / 1000).toFixed(1) + " s";
}

$("file").addEventListener("change", function (e) { handle(e.target.files[0]); e.target.value = ""; });
$("max-side").addEventListener("change", function () { if (state.file) handle(state.file, true); });
var drop = $("drop");
["dragenter", "dragover"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); }); });
["dragleave", "drop"].forEach(function (t) { drop.addEventListener(t, function () { drop.classList.remove("over"); }); });
document.addEventListener("dragover", function (e) { e.preventDefault(); });
document.addEventListener("drop", function (e) { e.preventDefault(); if (e.dataTransfer && e.dataTransfer.files.length) handle(e.dataTransfer.files[0]); });
document.addEventListener("paste", function (e) {
	var files = e.clipboardData && e.clipboardData.files;
	if (files && files.length) handle(files[0]);
});
`;
