/** The demo page's stylesheet: system fonts only, light and dark palettes. */
export const PAGE_STYLE = `
:root {
	--paper: #f5f2ec; --card: #fffdf9; --ink: #1c2230; --muted: #646b78; --line: #e3ddd2;
	--accent: #b8432b; --accent-soft: rgba(184, 67, 43, 0.1); --focus: #2458d6; --bad: #a4262c; --bad-bg: #fdecec;
	--radius: 12px; --shadow: 0 1px 2px rgba(28, 34, 48, 0.06), 0 4px 16px rgba(28, 34, 48, 0.06);
	color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
	:root {
		--paper: #13161c; --card: #1b1f27; --ink: #e9e5dd; --muted: #9aa1ad; --line: #2c313c;
		--accent: #e2795a; --accent-soft: rgba(226, 121, 90, 0.14); --focus: #7aa2ff; --bad: #ff8a8f; --bad-bg: #3a1d20;
		--shadow: 0 1px 2px rgba(0, 0, 0, 0.4);
	}
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--paper); color: var(--ink); }
body {
	margin: 0 auto; max-width: 1240px; padding: 24px clamp(16px, 4vw, 40px) 48px;
	font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
h1, h2, h3 { margin: 0; line-height: 1.2; }
h2 { font-size: 1.15rem; letter-spacing: 0.01em; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.86em; }
.sr-only {
	position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
	clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

.top { display: flex; align-items: center; justify-content: space-between; gap: 16px; flex-wrap: wrap; margin-bottom: 20px; }
.brand { display: flex; align-items: center; gap: 14px; }
.seal {
	display: grid; place-items: center; width: 44px; height: 44px; border-radius: 10px;
	background: var(--accent); color: #fff; font: 700 24px/1 Georgia, "DejaVu Serif", serif; transform: rotate(-4deg);
}
h1 { font-size: 1.6rem; letter-spacing: -0.01em; }
.tagline { margin: 2px 0 0; color: var(--muted); }
.key { font-size: 0.9rem; color: var(--muted); }
.key summary { cursor: pointer; padding: 4px 8px; border-radius: 6px; }
.key[open] { display: grid; gap: 6px; }
.key input { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 8px; background: var(--card); color: var(--ink); min-width: 240px; }

.intake { display: grid; gap: 12px; margin-bottom: 24px; }
.drop {
	display: grid; place-items: center; gap: 6px; text-align: center; cursor: pointer;
	padding: 34px 20px; border: 2px dashed var(--line); border-radius: var(--radius); background: var(--card);
	transition: border-color 0.15s, background 0.15s;
}
.drop:hover, .drop.over { border-color: var(--accent); background: var(--accent-soft); }
.drop:focus-within { outline: 3px solid var(--focus); outline-offset: 2px; }
.drop-title { font-weight: 600; font-size: 1.05rem; }
.drop-hint { color: var(--muted); font-size: 0.9rem; }
.controls { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; font-size: 0.92rem; }
.controls select { font: inherit; padding: 4px 8px; border-radius: 8px; border: 1px solid var(--line); background: var(--card); color: var(--ink); }
.status { margin: 0 0 0 auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.error {
	padding: 12px 16px; border-radius: 10px; background: var(--bad-bg); color: var(--bad);
	border: 1px solid color-mix(in srgb, var(--bad) 35%, transparent); font-weight: 500;
}
.error p { margin: 0; }
.error p + p { margin-top: 4px; }

.panel { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); padding: 18px; margin-bottom: 24px; }
.panel-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 14px; }
.meta { margin: 0; color: var(--muted); font-size: 0.85rem; font-variant-numeric: tabular-nums; }

.text-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(240px, 2fr); gap: 20px; align-items: start; }
@media (max-width: 760px) { .text-grid { grid-template-columns: 1fr; } }
.stage { position: relative; margin: 0; border-radius: 8px; overflow: hidden; background: var(--paper); min-height: 120px; }
.stage img { display: block; width: 100%; height: auto; max-height: 560px; object-fit: contain; }
.stage svg { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
.stage polygon {
	pointer-events: all; cursor: pointer; fill: var(--accent-soft); stroke: var(--accent); stroke-width: 1.5;
	vector-effect: non-scaling-stroke; transition: fill 0.12s, stroke-width 0.12s;
}
.stage polygon.active { fill: color-mix(in srgb, var(--accent) 32%, transparent); stroke-width: 3; }
.lines { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; max-height: 560px; overflow: auto; }
.lines li {
	display: flex; justify-content: space-between; align-items: baseline; gap: 10px; cursor: default;
	padding: 6px 10px; border-radius: 8px; border-left: 3px solid transparent;
}
.lines li:hover, .lines li.active { background: var(--accent-soft); border-left-color: var(--accent); }
.lines .t { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92rem; word-break: break-word; }
.lines .c { color: var(--muted); font-size: 0.78rem; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: var(--muted); margin: 8px 0; }
.note.bad { color: var(--bad); }

.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 16px; }
.card { display: grid; gap: 10px; align-content: start; padding: 12px; border: 1px solid var(--line); border-radius: 10px; }
.card-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.card h3 { font-size: 0.98rem; }
.desc {
	margin: -6px 0 0; color: var(--muted); font-size: 0.8rem; line-height: 1.35; min-height: 2.7em;
	display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
.tag { font-size: 0.7rem; font-weight: 600; letter-spacing: 0.05em; padding: 1px 6px; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.tag.hit { color: #2f7d4f; border-color: currentColor; }
.frame { position: relative; border-radius: 8px; overflow: hidden; background: var(--paper); min-height: 140px; display: grid; place-items: center; }
.frame img { display: block; width: 100%; height: auto; }
.frame img:not([src]) { visibility: hidden; height: 140px; }
.card label { display: flex; justify-content: space-between; font-size: 0.86rem; color: var(--muted); }
.card output { font-variant-numeric: tabular-nums; color: var(--ink); font-weight: 600; }
.card input[type="range"] { width: 100%; accent-color: var(--accent); margin: 0; }
.card-foot { display: flex; justify-content: space-between; align-items: center; gap: 8px; }

.button {
	display: inline-block; padding: 5px 12px; border-radius: 8px; border: 1px solid var(--line);
	color: var(--ink); text-decoration: none; font-size: 0.86rem; background: var(--paper);
}
.button:hover { border-color: var(--accent); color: var(--accent); }
button.button { font: inherit; font-size: 0.86rem; cursor: pointer; }
button.button:disabled { cursor: not-allowed; opacity: 0.5; border-color: var(--line); color: var(--muted); }
.by-url { display: grid; gap: 6px; margin-bottom: 14px; font-size: 0.9rem; }
.by-url label { color: var(--muted); }
.by-url input { font: inherit; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--paper); color: var(--ink); }
.by-url .note { margin: 0; font-size: 0.84rem; }
.lines-col .button { margin-top: 10px; }
button.button { font-family: inherit; cursor: pointer; margin-right: 6px; }
button.button:disabled { opacity: 0.6; cursor: progress; }

.busy {
	position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; gap: 10px;
	background: color-mix(in srgb, var(--card) 72%, transparent); color: var(--ink); font-weight: 500; font-size: 0.9rem;
}
.spinner {
	width: 22px; height: 22px; border-radius: 50%; border: 3px solid var(--line); border-top-color: var(--accent);
	animation: spin 0.8s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2.4s; } }

.howto { color: var(--muted); font-size: 0.92rem; }
.howto h2 { color: var(--ink); margin-bottom: 6px; }
.howto pre { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; overflow: auto; color: var(--ink); }
`;
