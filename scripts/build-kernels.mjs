#!/usr/bin/env node
// Compiles every AssemblyScript entry in assembly/ (files not starting with "_")
// to build/kernels/NAME.wasm. Runs on `npm install` and before `npm start`.
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "assembly");
const outDir = join(root, "build", "kernels");
mkdirSync(outDir, { recursive: true });

// Fixed ceiling per module (64 KiB pages) so a runaway allocation fails fast.
// npr: the largest filter (recursive edge-preserving, 24 B/px) at 4 MP.
// jpeg, png: the intake decoders; admission reserves what one decode really needs.
// jpegenc: a few strips of 16 rows (about 120 B a column) and a 2 MiB symbol buffer:
// 12 MiB holds 65535 columns.
// infer: the OCR inference engine; the engine places weights and activations itself.
// resample: the OCR resizer's taps and one band of rows (about 1 MiB; a 30000-wide source row
// with the taps of a 30x reduction needs some 16 MiB).
const MAX_PAGES = { npr: 1600, jpeg: 1024, png: 1024, jpegenc: 192, infer: 1024, resample: 512 };

const entries = readdirSync(srcDir).filter((f) => f.endsWith(".ts") && !f.startsWith("_") && f !== "tsconfig.json");
for (const file of entries) {
	const name = file.replace(/\.ts$/, "");
	const { error, stderr } = await asc.main(
		[
			join("assembly", file),
			"--outFile",
			join("build", "kernels", `${name}.wasm`),
			"--optimizeLevel",
			"3",
			"--shrinkLevel",
			"0",
			"--noAssert",
			"--runtime",
			"stub",
			"--enable",
			"simd",
			"--enable",
			"relaxed-simd",
			"--initialMemory",
			"1",
			"--maximumMemory",
			String(MAX_PAGES[name] ?? 1024),
			"--exportRuntime",
		],
		{ stdout: process.stdout, stderr: process.stderr, baseDir: root },
	);
	if (error) {
		console.error(stderr.toString());
		process.exit(1);
	}
	console.log(`kernel: build/kernels/${name}.wasm`);
}
