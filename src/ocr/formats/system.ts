import { VERSIONS } from "../../lib/versions";

/** How the XML formats name the software that read the page. */
export const OCR_SYSTEM = `Inkstone ${VERSIONS.inkstone} (PP-OCRv4 mobile)`;
export const SOFTWARE_NAME = "Inkstone";
export const SOFTWARE_VERSION = VERSIONS.inkstone ?? "unknown";
