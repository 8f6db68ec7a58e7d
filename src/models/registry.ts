import { ConflictError, NotFoundError, UnavailableError } from "../lib/errors";
import { toHex } from "../lib/md5";

/** One entry of models/manifest.json, written by scripts/setup-models.mjs. */
export interface ManifestEntry {
	name: string;
	file: string;
	task: string;
	bytes: number;
	sha256: string;
	source: string;
	input: { name: string; shape: number[]; dtype: string };
	dictionary?: { file: string; bytes: number; sha256: string };
	/** The same model compiled for the engine (scripts/engine-models.mjs). */
	engine?: ModelFile;
}

/** One file of a model: what the registry fetches and checks before a runtime sees it. */
export interface ModelFile {
	file: string;
	bytes: number;
	sha256: string;
	source?: string;
}

/** The runtime a model is loaded into (the ORT session wrapper, in production). */
export interface ModelRuntime {
	/** "ink": the runtime reads each entry's `engine` file; "onnx": the entry's own file. */
	readonly format: "onnx" | "ink";
	load(name: string, bytes: Uint8Array): Promise<void>;
	release(name: string): Promise<unknown>;
	isLoaded(name: string): boolean;
	memoryBytes(): number;
	/** Bytes the named model itself holds in the runtime, when the runtime can tell. */
	modelBytes?(name: string): number;
}

/** The file `runtime` loads for `entry`. */
export function fileFor(entry: ManifestEntry, runtime: Pick<ModelRuntime, "format">): ModelFile {
	if (runtime.format === "onnx") return entry;
	if (!entry.engine)
		throw new UnavailableError("model_missing", `model "${entry.name}" has no engine file; run \`npm install\``, 30);
	return entry.engine;
}

/** Reads a file of models/ through the Worker's private binding. */
export type ModelFiles = (file: string) => Promise<Response>;

interface ModelState {
	loadedAt: number | null;
	loadMs: number | null;
	lastUsed: number | null;
	inUse: number;
	loading: Promise<void> | null;
	idleTimer: ReturnType<typeof setTimeout> | null;
	/** Why the last load failed, if it did; cleared on success. */
	error: string | null;
}

export interface RegistryOptions {
	/** Unload a model nobody used for this long (0 disables). */
	idleMs: number;
	/** How long an unload waits for in-flight work before answering 409. */
	unloadWaitMs: number;
}

async function sha256(bytes: Uint8Array): Promise<string> {
	return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/**
 * The models on disk and their lifecycle in this isolate: loaded lazily on
 * first use (concurrent first requests share one load), checked against the
 * manifest's sha256 before the runtime sees a byte, counted while in use so an
 * unload waits for in-flight work, and unloaded after an idle period.
 */
export class ModelRegistry {
	private manifest: Promise<ManifestEntry[]> | null = null;
	private readonly state = new Map<string, ModelState>();

	constructor(
		private readonly files: ModelFiles,
		private readonly runtime: ModelRuntime,
		private readonly options: RegistryOptions,
	) {}

	entries(): Promise<ManifestEntry[]> {
		this.manifest ??= this.files("manifest.json")
			.then(async (res) => {
				if (!res.ok) throw new Error(`manifest.json: ${res.status}`);
				return ((await res.json()) as { models: ManifestEntry[] }).models;
			})
			.catch(() => {
				this.manifest = null;
				throw new UnavailableError("models_missing", "the model manifest is missing; run `npm install`", 30);
			});
		return this.manifest;
	}

	async entry(name: string): Promise<ManifestEntry> {
		const found = (await this.entries()).find((e) => e.name === name);
		if (!found) {
			const names = (await this.entries()).map((e) => e.name).join(", ");
			throw new NotFoundError("unknown_model", `no such model; the models are ${names}`);
		}
		return found;
	}

	private stateOf(name: string): ModelState {
		let s = this.state.get(name);
		if (!s) {
			s = { loadedAt: null, loadMs: null, lastUsed: null, inUse: 0, loading: null, idleTimer: null, error: null };
			this.state.set(name, s);
		}
		return s;
	}

	/** Loads the model if needed; concurrent callers share one load. */
	async load(name: string): Promise<void> {
		const entry = await this.entry(name);
		const s = this.stateOf(name);
		if (this.runtime.isLoaded(name)) return;
		s.loading ??= this.loadNow(entry, s).finally(() => {
			s.loading = null;
		});
		return s.loading;
	}

	private async loadNow(entry: ManifestEntry, s: ModelState): Promise<void> {
		const started = Date.now();
		const file = fileFor(entry, this.runtime);
		const res = await this.files(file.file);
		if (!res.ok) {
			s.error = "file missing";
			throw new UnavailableError("model_missing", `the ${entry.name} model file is missing; run \`npm install\``, 30);
		}
		let bytes: Uint8Array | null = new Uint8Array(await res.arrayBuffer());
		if (bytes.byteLength !== file.bytes || (await sha256(bytes)) !== file.sha256) {
			s.error = "checksum mismatch";
			throw new UnavailableError(
				"model_corrupt",
				`the ${entry.name} model file does not match its manifest checksum`,
				30,
			);
		}
		await this.runtime.load(entry.name, bytes);
		bytes = null; // the runtime keeps its own copy inside wasm memory
		s.loadedAt = Date.now();
		s.loadMs = s.loadedAt - started;
		s.error = null;
	}

	/**
	 * Runs `work` with the named models loaded and marked in use, so an unload
	 * cannot pull them away mid-inference. Every model is marked before any is
	 * loaded: loading the second can take a second or more, and an idle unload
	 * (or a reclaim for another request) in that time must not take the first.
	 */
	async use<T>(names: string[], work: () => Promise<T>): Promise<T> {
		for (const n of names) await this.entry(n);
		const states = names.map((n) => this.stateOf(n));
		for (const s of states) {
			s.inUse++;
			if (s.idleTimer) clearTimeout(s.idleTimer);
			s.idleTimer = null;
		}
		try {
			for (const n of names) await this.load(n);
			return await work();
		} finally {
			const now = Date.now();
			names.forEach((n, i) => {
				const s = states[i]!;
				s.inUse--;
				s.lastUsed = now;
				this.armIdle(n, s);
			});
		}
	}

	private armIdle(name: string, s: ModelState): void {
		if (this.options.idleMs <= 0 || s.inUse > 0) return;
		if (s.idleTimer) clearTimeout(s.idleTimer);
		s.idleTimer = setTimeout(() => {
			s.idleTimer = null;
			if (s.inUse === 0) void this.unload(name).catch(() => {});
		}, this.options.idleMs);
	}

	/** Waits (bounded) for in-flight work on the model, then releases it. */
	async unload(name: string): Promise<boolean> {
		await this.entry(name);
		const s = this.stateOf(name);
		if (s.loading) await s.loading.catch(() => {});
		const deadline = Date.now() + this.options.unloadWaitMs;
		while (s.inUse > 0) {
			if (Date.now() >= deadline) {
				throw new ConflictError("model_busy", `model "${name}" is still in use; retry the unload shortly`);
			}
			await new Promise((r) => setTimeout(r, 25));
		}
		if (s.idleTimer) clearTimeout(s.idleTimer);
		s.idleTimer = null;
		if (!this.runtime.isLoaded(name)) return false;
		await this.runtime.release(name);
		s.loadedAt = null;
		return true;
	}

	/** Unloads the loaded models nobody is using or loading; the others stay. */
	async unloadIdle(): Promise<string[]> {
		const unloaded: string[] = [];
		for (const e of await this.entries()) {
			const s = this.stateOf(e.name);
			if (s.inUse === 0 && !s.loading && (await this.unload(e.name))) unloaded.push(e.name);
		}
		return unloaded;
	}

	async unloadAll(): Promise<string[]> {
		const unloaded: string[] = [];
		for (const e of await this.entries()) if (await this.unload(e.name)) unloaded.push(e.name);
		return unloaded;
	}

	async list() {
		const entries = await this.entries();
		return entries.map((e) => {
			const s = this.stateOf(e.name);
			const f = e.engine && this.runtime.format === "ink" ? e.engine : e;
			const loaded = this.runtime.isLoaded(e.name);
			return {
				name: e.name,
				engine: this.runtime.format === "ink" ? "ink" : "ort",
				file: f.file,
				task: e.task,
				bytes: f.bytes,
				sha256: f.sha256,
				source: f.source ?? e.source,
				loaded,
				// What this model alone holds in the runtime's memory (its weights), where the runtime can tell.
				held_bytes: loaded && this.runtime.modelBytes ? this.runtime.modelBytes(e.name) : null,
				// The heap of the runtime the model lives in, shared by the models loaded with it.
				runtime_wasm_bytes: this.runtime.isLoaded(e.name) ? this.runtime.memoryBytes() : 0,
				loading: s.loading !== null,
				load_ms: s.loadMs,
				loaded_at: s.loadedAt ? new Date(s.loadedAt).toISOString() : null,
				last_used: s.lastUsed ? new Date(s.lastUsed).toISOString() : null,
				in_use: s.inUse,
				last_error: s.error,
			};
		});
	}
}
