#!/usr/bin/env node
// Copies the emscripten codecs' wasm (MozJPEG, libwebp) into build/codecs/
// with a smaller initial memory. As shipped each module starts with a
// 16 MiB heap, which every call pays in full: src/codecs/codec.ts makes a
// fresh instance per call, so a decode of a 0.2 MP label or an encode of a
// preview held 16 MiB until V8 collected it, and that garbage is what made
// the Worker's RSS swing between samples. The modules are built with memory
// growth (maximum 2 GiB, emscripten_resize_heap in the glue), so starting
// just above their static data and stack lets each heap grow to what the
// image needs instead. Only the memory section's minimum changes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const outDir = join(root, "build", "codecs");
const PAGE = 65536;
// Room above the static data and stack for the codec's first allocations.
const SPARE_PAGES = 16;

const CODECS = [
	"@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm",
	"@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm",
	"@jsquash/webp/codec/dec/webp_dec.wasm",
	"@jsquash/webp/codec/enc/webp_enc_simd.wasm",
];

function uleb(bytes, at) {
	let value = 0;
	let shift = 0;
	let byte;
	do {
		byte = bytes[at++];
		value += (byte & 0x7f) * 2 ** shift;
		shift += 7;
	} while (byte & 0x80);
	return [value, at];
}

function sleb(bytes, at) {
	let value = 0;
	let shift = 0;
	let byte;
	do {
		byte = bytes[at++];
		value |= (byte & 0x7f) << shift;
		shift += 7;
	} while (byte & 0x80);
	if (shift < 32 && byte & 0x40) value |= -1 << shift;
	return [value, at];
}

function encodeUleb(value) {
	const out = [];
	do {
		let byte = value & 0x7f;
		value = Math.floor(value / 128);
		if (value) byte |= 0x80;
		out.push(byte);
	} while (value);
	return out;
}

/** Highest address the module uses before its heap: data segments and i32 globals (the stack top). */
function staticTop(bytes, sections) {
	let top = 0;
	const globals = sections.get(6);
	if (globals) {
		let [count, at] = uleb(bytes, globals.start);
		for (; count > 0; count--) {
			at += 2; // value type, mutability
			const op = bytes[at++];
			if (op === 0x41) {
				let v;
				[v, at] = sleb(bytes, at);
				top = Math.max(top, v);
			}
			while (bytes[at] !== 0x0b) at++;
			at++;
		}
	}
	const data = sections.get(11);
	if (data) {
		let [count, at] = uleb(bytes, data.start);
		for (; count > 0; count--) {
			let flag;
			[flag, at] = uleb(bytes, at);
			if (flag !== 0) throw new Error("passive or multi-memory data segments are not expected");
			if (bytes[at++] !== 0x41) throw new Error("data segment offset is not an i32.const");
			let offset;
			[offset, at] = sleb(bytes, at);
			at++; // end
			let length;
			[length, at] = uleb(bytes, at);
			at += length;
			top = Math.max(top, offset + length);
		}
	}
	return top;
}

function lowerInitialMemory(bytes) {
	const sections = new Map();
	for (let at = 8; at < bytes.length; ) {
		const id = bytes[at];
		const [size, start] = uleb(bytes, at + 1);
		sections.set(id, { head: at, start, end: start + size });
		at = start + size;
	}
	const memory = sections.get(5);
	if (!memory) throw new Error("the module does not define its memory");
	const [count, at] = uleb(bytes, memory.start);
	const flags = bytes[at];
	if (count !== 1 || !(flags & 1)) throw new Error("expected one growable memory with a maximum");
	const [min, next] = uleb(bytes, at + 1);
	const [max] = uleb(bytes, next);
	const pages = Math.min(min, Math.ceil(staticTop(bytes, sections) / PAGE) + SPARE_PAGES);
	const body = [1, flags, ...encodeUleb(pages), ...encodeUleb(max)];
	const section = Uint8Array.from([5, ...encodeUleb(body.length), ...body]);
	const out = new Uint8Array(bytes.length - (memory.end - memory.head) + section.length);
	out.set(bytes.subarray(0, memory.head), 0);
	out.set(section, memory.head);
	out.set(bytes.subarray(memory.end), memory.head + section.length);
	return { bytes: out, from: min, to: pages };
}

mkdirSync(outDir, { recursive: true });
const done = [];
for (const spec of CODECS) {
	const file = spec.split("/").pop();
	const { bytes, from, to } = lowerInitialMemory(readFileSync(require.resolve(spec)));
	new WebAssembly.Module(bytes); // still a valid module
	writeFileSync(join(outDir, file), bytes);
	done.push(`${file} ${from} -> ${to} pages`);
}
console.log(`codecs: ${done.join(", ")}`);
