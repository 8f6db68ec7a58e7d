// Which OCR engines of ours a bench run measures, and proof that a server runs the one asked for.
// The app picks its engine from the OCR_ENGINE variable ("ink": src/ocr/engine, "ort":
// onnxruntime-web). An app that does not know the variable ignores it and runs ORT, so the
// engine a server reports in GET /api/models is checked before any of its figures are kept.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/server.mjs";

export const KNOWN_ENGINES = ["ort", "ink"];

/** A run that cannot measure what was asked: an unknown name, or an engine the server does not run. */
export class EngineMismatch extends Error {}

/** Whether this tree's app reads OCR_ENGINE at all (its config table lists every variable). */
export function appKnowsEngineVar() {
	return /\bOCR_ENGINE\b/.test(readFileSync(join(ROOT, "src", "lib", "config.ts"), "utf8"));
}

/**
 * The engines to run: ENGINES=ort,ink as given (an unknown name is an error), or by default
 * both when the app has OCR_ENGINE, else ort alone. `explicit` says whether a missing engine
 * is a failure (asked for by name) or a note (the default list).
 */
export function chosenEngines(raw = process.env.ENGINES) {
	if (raw?.trim()) {
		const names = raw
			.split(",")
			.map((s) => s.trim().toLowerCase())
			.filter(Boolean);
		const unknown = names.filter((n) => !KNOWN_ENGINES.includes(n));
		if (unknown.length)
			throw new EngineMismatch(`ENGINES: unknown engine ${unknown.join(", ")} (known: ${KNOWN_ENGINES})`);
		return { engines: [...new Set(names)], explicit: true };
	}
	if (appKnowsEngineVar()) return { engines: [...KNOWN_ENGINES], explicit: false };
	console.log("engines: src/lib/config.ts has no OCR_ENGINE yet, so only ort runs (ENGINES=ort,ink to insist)");
	return { engines: ["ort"], explicit: false };
}

/**
 * The engine a JSON body names, wherever the app puts it: on each model of the /api/models
 * list (they must agree), at the top of its data or of its runtime, or in /api/status's
 * models section. Null: not named; "mixed" when the models name different engines.
 */
export function reportedEngine(body) {
	const data = body?.data ?? body;
	const named = (v) => typeof v === "string" && v !== "";
	if (Array.isArray(data?.models)) {
		const each = new Set(data.models.map((m) => m?.engine).filter(named));
		if (each.size > 1) return "mixed";
		if (each.size === 1) return [...each][0];
	}
	const spots = [data?.engine, data?.runtime?.engine, data?.models?.engine, data?.models?.ocr_runtime?.engine];
	return spots.find(named) ?? null;
}

/**
 * Asks the server which engine it runs (GET /api/models). When the answer names none, an
 * app without OCR_ENGINE has ORT only, and an app with it is taken at its word, with a
 * warning, since its engine cannot be confirmed. Returns { ok, engine, note }: ok false
 * means the figures would not be the engine's asked for.
 */
export async function verifyEngine(url, asked) {
	const res = await fetch(`${url}/api/models`);
	const body = await res.json().catch(() => null);
	if (!res.ok || !body) return { ok: false, engine: null, note: `GET /api/models answered ${res.status}` };
	const engine = reportedEngine(body);
	if (engine === null) {
		if (appKnowsEngineVar())
			return {
				ok: true,
				engine: asked,
				note: `warning: /api/models names no engine, so OCR_ENGINE=${asked} cannot be confirmed`,
			};
		if (asked === "ort")
			return { ok: true, engine: "ort", note: "/api/models names no engine: an app before OCR_ENGINE, ORT only" };
		return {
			ok: false,
			engine: null,
			note: `asked for OCR_ENGINE=${asked}, but this app has no OCR_ENGINE (src/lib/config.ts) and runs ORT`,
		};
	}
	if (engine !== asked)
		return { ok: false, engine, note: `asked for OCR_ENGINE=${asked}, the server reports engine "${engine}"` };
	return { ok: true, engine, note: "" };
}

/** verifyEngine, turned into an exception for a mismatch. */
export async function requireEngine(url, asked) {
	const check = await verifyEngine(url, asked);
	if (!check.ok) throw new EngineMismatch(check.note);
	if (check.note) console.log(`  ${asked}: ${check.note}`);
	return check.engine;
}
