/**
 * A small strict XML reader for the tests (workerd has no DOMParser): the
 * XML declaration, comments, one DOCTYPE without an internal subset,
 * elements, attributes in single or double quotes, text, CDATA, the five
 * predefined entities and character references. Anything else (a stray
 * `&` or `<`, an unknown entity, a duplicate attribute, a mismatched or
 * unclosed tag, text outside the root) throws with its offset.
 */
export interface XmlElement {
	name: string;
	attrs: Record<string, string>;
	children: XmlNode[];
	parent: XmlElement | null;
}
export type XmlNode = XmlElement | string;

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(src: string): XmlElement {
	let i = 0;
	const fail = (what: string): never => {
		throw new Error(`XML: ${what} at offset ${i}: ${JSON.stringify(src.slice(i, i + 30))}`);
	};
	const name = (): string => {
		NAME.lastIndex = i;
		const m = NAME.exec(src);
		if (!m) fail("expected a name");
		i += m![0].length;
		return m![0];
	};
	const space = () => {
		while (i < src.length && " \t\r\n".includes(src[i]!)) i++;
	};
	const decode = (raw: string): string =>
		raw.replace(/&([^;&<]*);|&/g, (all, ref: string | undefined) => {
			if (ref === undefined) fail("a bare &");
			if (ref!.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref!.slice(2), 16));
			if (ref!.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref!.slice(1), 10));
			const value = ENTITIES[ref!];
			if (value === undefined) fail(`unknown entity ${all}`);
			return value!;
		});
	const skipMisc = () => {
		for (;;) {
			space();
			if (src.startsWith("<!--", i)) {
				const end = src.indexOf("-->", i);
				if (end < 0) fail("an unclosed comment");
				i = end + 3;
			} else if (src.startsWith("<?", i)) {
				const end = src.indexOf("?>", i);
				if (end < 0) fail("an unclosed processing instruction");
				i = end + 2;
			} else return;
		}
	};
	skipMisc();
	if (src.startsWith("<!DOCTYPE", i)) {
		const end = src.indexOf(">", i);
		if (end < 0 || src.slice(i, end).includes("[")) fail("a DOCTYPE this reader does not take");
		i = end + 1;
		skipMisc();
	}
	const element = (parent: XmlElement | null): XmlElement => {
		if (src[i] !== "<") fail("expected <");
		i++;
		const el: XmlElement = { name: name(), attrs: {}, children: [], parent };
		for (;;) {
			const before = i;
			space();
			if (src.startsWith("/>", i)) {
				i += 2;
				return el;
			}
			if (src[i] === ">") {
				i++;
				break;
			}
			if (i === before) fail("expected a space before an attribute");
			const key = name();
			space();
			if (src[i] !== "=") fail("expected =");
			i++;
			space();
			const quote = src[i];
			if (quote !== '"' && quote !== "'") fail("expected a quoted value");
			const end = src.indexOf(quote!, i + 1);
			if (end < 0) fail("an unclosed attribute value");
			const raw = src.slice(i + 1, end);
			if (raw.includes("<")) fail("< in an attribute value");
			if (key in el.attrs) fail(`duplicate attribute ${key}`);
			el.attrs[key] = decode(raw);
			i = end + 1;
		}
		for (;;) {
			if (i >= src.length) fail(`unclosed element ${el.name}`);
			if (src.startsWith("</", i)) {
				i += 2;
				const closing = name();
				if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
				space();
				if (src[i] !== ">") fail("expected >");
				i++;
				return el;
			}
			if (src.startsWith("<!--", i)) {
				const end = src.indexOf("-->", i);
				if (end < 0) fail("an unclosed comment");
				i = end + 3;
			} else if (src.startsWith("<![CDATA[", i)) {
				const end = src.indexOf("]]>", i);
				if (end < 0) fail("an unclosed CDATA section");
				el.children.push(src.slice(i + 9, end));
				i = end + 3;
			} else if (src[i] === "<") {
				el.children.push(element(el));
			} else {
				const end = src.indexOf("<", i);
				const raw = src.slice(i, end < 0 ? src.length : end);
				if (raw.includes("]]>")) fail("]]> in text");
				el.children.push(decode(raw));
				i += raw.length;
			}
		}
	};
	const root = element(null);
	skipMisc();
	if (i !== src.length) fail("content after the root element");
	return root;
}

/** Child elements, optionally only those with this name. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
	return el.children.filter((c): c is XmlElement => typeof c !== "string" && (name === undefined || c.name === name));
}

/** Every element below `el` (depth first, document order) that passes the test. */
export function findAll(el: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] {
	const out: XmlElement[] = [];
	const walk = (e: XmlElement) => {
		for (const c of childElements(e)) {
			if (test(c)) out.push(c);
			walk(c);
		}
	};
	walk(el);
	return out;
}

/** The concatenated text of the element and everything in it. */
export function textContent(el: XmlElement): string {
	return el.children.map((c) => (typeof c === "string" ? c : textContent(c))).join("");
}
