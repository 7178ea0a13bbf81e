/** Nesting deeper than any platform's payload (theirs stay under 10): refused before anything parses it. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when JSON text nests objects and arrays deeper than `max`. A scan, not a parse, so a
 * body built to overflow a recursive consumer (5,000 levels) is answered 400 up front,
 * rather than failing later in the store as "storage unavailable" (503, retried for ever).
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}
