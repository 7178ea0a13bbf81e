/** One part of a multipart/form-data body. */
export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Splits a multipart/form-data body (RFC 7578) into its parts, bytes untouched; [] when it is none. */
export function parseMultipart(raw: Buffer, contentType: string | undefined): Part[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!boundary) return [];
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]!.trim()}`);
  const parts: Part[] = [];
  let at = raw.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break; // the closing delimiter
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const data = Buffer.from(part.subarray(split + 4));
    const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim();
    parts.push({ name, data, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type } : {}) });
    at = next;
  }
  return parts;
}
