// Which convolutions the engine may run on its own 8-bit scheme without
// reading worse: model by model (recogniser, detector, classifier), largest
// first by multiply-adds, each group-1 conv is tried on 7-bit input codes
// (the relaxed 8-bit dot, assembly/_infer_q7.ts), and a float one that fails
// there on 8-bit codes (as the recogniser's q8 nodes); it is kept so only if
// no OCR fixture, upright or turned as test/ocr-orientation.test.ts turns it,
// reads worse (CER or WER against its transcript, an empty text, another page
// orientation) than with none of these convs (the graphs onnxruntime-web
// runs), and the recogniser still reads test/ocr-engine.test.ts's real line
// (a whole-width strip, margins and all) as before. Convs under 1 % of their
// model's multiply-adds, and float 3x3 stride-1 convs (Winograd), are left as
// they are: they cannot buy time.
// Prints each decision with the reads that changed, and the lists for
// scripts/engine-int8.json.
// Usage: npx vitest run --config bench/engine/vitest.config.mjs bench/engine/int8.workerd.test.ts
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { turnClockwise } from "../../src/lib/orient";
import { loadModel, profileModel, releaseModel, runModel } from "../../src/ocr/engine";
import { type InkHeader, type InkNode, readInk } from "../../src/ocr/engine/format";
import { useEngine } from "../../src/ocr/inference";
import { ensureOcrModels } from "../../src/ocr/models";
import { recognize } from "../../src/ocr/pipeline";
import { cer, wer } from "../../test/helpers/cer";
import { withHeader } from "../../test/helpers/ink";
import { decodeFixture, fixture, OCR_FIXTURES, TURNED_READS } from "../../test/helpers/ocrFixtures";
import { bestClasses, collapsed, receiptInputs } from "../../test/helpers/receipt";

type Model = "rec" | "det" | "cls";
const ORDER: Model[] = ["rec", "det", "cls"];

interface Read {
	text: string;
	orientation: number;
}

/** How the recogniser reads one line: its best classes, collapsed as CTC reads them. */
async function readLine({ data, dims }: { data: Float32Array; dims: number[] }): Promise<string> {
	const out = Object.values(await runModel("rec", { x: { data, dims } }))[0];
	return out ? collapsed(bestClasses(out)) : "";
}

it("finds the convs that run on the engine's own 8-bit scheme", async () => {
	useEngine("ink");
	const models = await ensureOcrModels(env.MODELS);
	const manifest = JSON.parse(await (await env.MODELS.fetch("http://assets/manifest.json")).text());
	const files = {} as Record<Model, Uint8Array>;
	const bases = {} as Record<Model, InkHeader>;
	for (const name of ORDER) {
		const entry = manifest.models.find((m: { name: string }) => m.name === name);
		files[name] = new Uint8Array(await (await env.MODELS.fetch(`http://assets/${entry.engine.file}`)).arrayBuffer());
		bases[name] = readInk(files[name]).header;
		for (const n of bases[name].nodes) delete n.int8;
	}
	const load = async (name: Model, header: InkHeader) => {
		await releaseModel(name);
		await loadModel(name, withHeader(files[name], header));
	};

	const cases = OCR_FIXTURES.map((f) => ({ name: f.name, truth: f.truth, f, turn: 0 }));
	for (const [name, turn] of TURNED_READS)
		cases.push({ name: `${name}@${turn}`, truth: fixture(name).truth, f: fixture(name), turn });
	const pages = await Promise.all(
		cases.map(async (c) => {
			const img = await decodeFixture(c.f);
			return c.turn ? turnClockwise(img, c.turn as 90 | 180 | 270) : img;
		}),
	);
	const { strip } = await receiptInputs();
	const readAll = async () => {
		const reads: Read[] = [];
		for (const p of pages) reads.push(await recognize(p, {}, models));
		return { reads, strip: await readLine(strip) };
	};

	for (const name of ORDER) await load(name, bases[name]);
	const reference = await readAll();
	const macs = new Map<string, number>();
	for (const name of ORDER) {
		const plan = profileModel(name, true);
		for (const n of plan?.nodes ?? []) macs.set(`${name} ${n.outputs[0]}`, n.macs);
		profileModel(name, false);
	}
	const macsOf = (name: Model, out: string) => macs.get(`${name} ${out}`) ?? 0;

	/** The reads that changed, and whether any is worse. */
	const compare = (now: Awaited<ReturnType<typeof readAll>>) => {
		const changed: string[] = [];
		let worse = now.strip !== reference.strip;
		if (worse) changed.push("the receipt strip");
		now.reads.forEach((read, i) => {
			const ref = reference.reads[i] as Read;
			if (read.text === ref.text && read.orientation === ref.orientation) return;
			const { truth, name } = cases[i] as { truth: string; name: string };
			const [c0, c1] = [cer(ref.text, truth).errors, cer(read.text, truth).errors];
			const [w0, w1] = [wer(ref.text, truth).errors, wer(read.text, truth).errors];
			const turned = read.orientation !== ref.orientation;
			if (c1 > c0 || w1 > w0 || read.text.trim() === "" || turned) worse = true;
			changed.push(`${name} ${c0}->${c1}/${w0}->${w1}${turned ? ` turned ${read.orientation}` : ""}`);
		});
		return { worse, changed };
	};

	const kept = {} as Record<Model, Record<"7" | "8", string[]>>;
	const lines: string[] = [];
	for (const name of ORDER) {
		const mine = { "7": [] as string[], "8": [] as string[] };
		kept[name] = mine;
		const convs = bases[name].nodes.filter((n) => n.op === "Conv");
		const total = convs.reduce((sum, n) => sum + macsOf(name, n.outputs[0] as string), 0);
		// Dense 3x3 stride-1 float convs run in Winograd form, which the 8-bit kernels do not outrun
		// (measured 27 GMAC/s each in workerd): no time to buy there either.
		const winograd = (n: InkNode) =>
			!n.q8 &&
			n.kernel?.join() === "3,3" &&
			n.strides?.join() === "1,1" &&
			(bases[name].weights[n.w ?? -1]?.dims[1] ?? 0) >= 8;
		const candidates = convs
			.filter((n) => (n.group ?? 1) === 1 && !winograd(n) && macsOf(name, n.outputs[0] as string) >= 0.01 * total)
			.sort((a, b) => macsOf(name, b.outputs[0] as string) - macsOf(name, a.outputs[0] as string));
		const header = (): InkHeader => {
			const h: InkHeader = structuredClone(bases[name]);
			for (const n of h.nodes) {
				const out = n.outputs[0] as string;
				if (mine["7"].includes(out)) n.int8 = 7;
				else if (mine["8"].includes(out)) n.int8 = 8;
			}
			return h;
		};
		for (const node of candidates) {
			const out = node.outputs[0] as string;
			// The recogniser's q8 convs are 8-bit already: only 7 bits is new for them.
			const tries: ("7" | "8")[] = node.q8 ? ["7"] : ["7", "8"];
			const notes: string[] = [];
			let chosen = "as it was";
			for (const bits of tries) {
				mine[bits].push(out);
				await load(name, header());
				const { worse, changed } = compare(await readAll());
				notes.push(`${bits}-bit: ${changed.join(", ") || "same"}`);
				if (!worse) {
					chosen = `${bits}-bit`;
					break;
				}
				mine[bits].pop();
			}
			lines.push(
				`${name} ${out.padEnd(22)} ${String(macsOf(name, out)).padStart(12)} ${chosen.padEnd(9)} ${notes.join("; ")}`,
			);
		}
		await load(name, header());
	}
	console.log(
		`model, node, multiply-adds, decision; reads that changed (char/word errors before->after)\n${lines.join("\n")}\n${JSON.stringify(kept, null, "\t")}`,
	);
	expect(Object.values(kept).flatMap((k) => [...k["7"], ...k["8"]]).length).toBeGreaterThan(0);
});
