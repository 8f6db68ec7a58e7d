/**
 * The OCR model set as the pipeline needs it: session names, input names,
 * the recogniser's character list and a version naming the exact files.
 * Built from models/manifest.json entries; the dictionary is read through
 * the caller's file reader (the private models binding), never from
 * elsewhere. `ensureOcrModels` loads the sessions through a registry of its
 * own (the same sha256 check), for callers without the app's (tests, the
 * benchmark Worker).
 */
import { UnavailableError } from "../lib/errors";
import { fileFor, type ManifestEntry, ModelRegistry } from "../models/registry";
import { charset } from "./ctcDecode";
import { ocrRuntime } from "./inference";

export const OCR_MODEL_NAMES = ["det", "cls", "rec"] as const;
export type OcrModelName = (typeof OCR_MODEL_NAMES)[number];

export interface OcrModels {
	/** Session names, as registered with the session module. */
	det: string;
	cls: string;
	rec: string;
	/** Input tensor name of each model. */
	inputs: Record<OcrModelName, string>;
	/** Recogniser classes: blank, dictionary, space. */
	chars: readonly string[];
	/** Names the exact model files, for cache keys and responses. */
	version: string;
}

export type ReadModelFile = (file: string) => Promise<Response>;

function entry(list: readonly ManifestEntry[], name: OcrModelName): ManifestEntry {
	const found = list.find((m) => m.name === name);
	if (!found) throw new UnavailableError("model_missing", `model "${name}" is not in the manifest`, 30);
	return found;
}

async function read(readFile: ReadModelFile, file: string): Promise<Response> {
	const res = await readFile(file);
	if (!res.ok) throw new UnavailableError("model_missing", `model file ${file} is not available`, 30);
	return res;
}

/**
 * "det:<sha256 prefix>,cls:...,rec:..." of the files the selected engine
 * runs: changes whenever any of them does, and between engines, whose
 * results may differ in the last digits.
 */
export function ocrModelVersion(list: readonly ManifestEntry[]): string {
	const runtime = ocrRuntime();
	return OCR_MODEL_NAMES.map((n) => `${n}:${fileFor(entry(list, n), runtime).sha256.slice(0, 12)}`).join(",");
}

// One parsed dictionary per isolate, keyed by its checksum; a failed read is not remembered.
let charsFor: { sha256: string; chars: Promise<readonly string[]> } | undefined;

function dictionary(readFile: ReadModelFile, rec: ManifestEntry): Promise<readonly string[]> {
	const dict = rec.dictionary;
	if (!dict) throw new UnavailableError("model_missing", "the recogniser has no dictionary", 30);
	if (charsFor?.sha256 !== dict.sha256) {
		const chars = read(readFile, dict.file).then(async (r) => charset(await r.text()));
		chars.catch(() => {
			if (charsFor?.chars === chars) charsFor = undefined;
		});
		charsFor = { sha256: dict.sha256, chars };
	}
	return charsFor.chars;
}

/** The model set described by the manifest; the sessions must be loaded under these names. */
export async function ocrModelSet(list: readonly ManifestEntry[], readFile: ReadModelFile): Promise<OcrModels> {
	const rec = entry(list, "rec");
	return {
		det: "det",
		cls: "cls",
		rec: "rec",
		inputs: { det: entry(list, "det").input.name, cls: entry(list, "cls").input.name, rec: rec.input.name },
		chars: await dictionary(readFile, rec),
		version: ocrModelVersion(list),
	};
}

/** Anything with the Fetcher shape: the assets binding in the Worker, or a stand-in. */
export interface AssetSource {
	fetch(input: string): Promise<Response>;
}

/**
 * Reads the manifest through `assets`, loads whichever sessions are missing
 * (each file checked against its manifest checksum first), returns the set.
 * Nothing is marked in use and nothing is unloaded when idle: the caller
 * owns the sessions from here.
 */
export async function ensureOcrModels(assets: AssetSource): Promise<OcrModels> {
	const readFile: ReadModelFile = (file) => assets.fetch(`http://assets/${file}`);
	const registry = new ModelRegistry(readFile, ocrRuntime(), { idleMs: 0, unloadWaitMs: 0 });
	for (const name of OCR_MODEL_NAMES) await registry.load(name);
	return ocrModelSet(await registry.entries(), readFile);
}
