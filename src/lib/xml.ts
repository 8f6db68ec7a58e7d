/**
 * Text and attribute values for XML output. Characters XML 1.0 cannot carry
 * at all (C0 controls other than tab, newline and carriage return, lone
 * surrogates, U+FFFE/U+FFFF) are dropped rather than escaped: a numeric
 * reference to them is just as ill-formed, and a parser would reject the
 * whole document over one stray character in a recognised word.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** XML 1.0's Char production. */
function isXmlChar(cp: number): boolean {
	return (
		cp === 0x9 ||
		cp === 0xa ||
		cp === 0xd ||
		(cp >= 0x20 && cp <= 0xd7ff) ||
		(cp >= 0xe000 && cp <= 0xfffd) ||
		(cp >= 0x10000 && cp <= 0x10ffff)
	);
}

/** Escapes for both element content and quoted attribute values. */
export function escapeXml(text: string): string {
	let out = "";
	// Iterating by code point yields a lone surrogate on its own, which isXmlChar refuses.
	for (const ch of text) {
		if (!isXmlChar(ch.codePointAt(0)!)) continue;
		out += ESCAPES[ch] ?? ch;
	}
	return out;
}
