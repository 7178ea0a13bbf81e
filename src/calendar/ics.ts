/**
 * A minimal iCalendar (RFC 5545) reader: enough for the all-day holiday calendars that
 * chinese-days and the calendar apps publish. Unfolds lines (on bytes, so a fold inside a
 * UTF-8 character is fine), splits properties and parameters (quoted values may hold ':'
 * and ';'), nests BEGIN/END components, and reads VEVENTs with DATE values, where DTEND
 * is exclusive. Every error carries the physical line it is about.
 */

export class IcsError extends Error {
  override name = 'IcsError';
  constructor(
    message: string,
    /** 1-based physical line of the file, when the error is about one. */
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface IcsProperty {
  /** Upper-cased: "DTSTART". */
  name: string;
  /** Upper-cased names, values without their quotes: { VALUE: 'DATE' }. */
  params: Record<string, string>;
  /** Raw value: TEXT values still escaped (see `unescapeText`). */
  value: string;
  line: number;
}

export interface IcsComponent {
  /** Upper-cased: "VCALENDAR", "VEVENT". */
  name: string;
  line: number;
  properties: IcsProperty[];
  components: IcsComponent[];
}

const CR = 0x0d;
const LF = 0x0a;

/** Logical lines with the physical line each starts on. CRLF or bare LF; a line starting with a space or tab continues the previous one. */
export function unfold(input: string | Uint8Array): { text: string; line: number }[] {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: { text: string; line: number }[] = [];
  let current: number[] | undefined;
  let startLine = 0;
  const flush = () => {
    if (!current) return;
    let text: string;
    try {
      text = decoder.decode(Uint8Array.from(current));
    } catch {
      throw new IcsError('not UTF-8 text (save the file as UTF-8)', startLine);
    }
    if (out.length === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM
    out.push({ text, line: startLine });
    current = undefined;
  };
  let line = 1;
  let i = 0;
  while (i <= bytes.length) {
    // One physical line: [i, end).
    let end = i;
    while (end < bytes.length && bytes[end] !== LF) end++;
    let stop = end;
    if (stop > i && bytes[stop - 1] === CR) stop--;
    const first = bytes[i];
    if (i < stop && (first === 0x20 || first === 0x09) && current) {
      for (let k = i + 1; k < stop; k++) current.push(bytes[k]!);
    } else {
      flush();
      if (stop > i) {
        current = [];
        for (let k = i; k < stop; k++) current.push(bytes[k]!);
        startLine = line;
      }
    }
    if (end >= bytes.length) break;
    i = end + 1;
    line++;
  }
  flush();
  return out;
}

/** "DTSTART;VALUE=DATE:20270101" → name, params, value. */
export function parseContentLine(text: string, line: number): IcsProperty {
  let i = 0;
  const nameMatch = /^[A-Za-z0-9-]+/.exec(text);
  if (!nameMatch) throw new IcsError(`not an iCalendar line (expected NAME:value): ${JSON.stringify(text.slice(0, 40))}`, line);
  const name = nameMatch[0].toUpperCase();
  i = nameMatch[0].length;
  const params: Record<string, string> = {};
  while (text[i] === ';') {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new IcsError(`${name}: parameter without "=" (write ;NAME=value)`, line);
    const pname = text.slice(i + 1, eq).toUpperCase();
    i = eq + 1;
    let pvalue = '';
    for (;;) {
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) throw new IcsError(`${name}: unterminated quoted parameter ${pname}`, line);
        pvalue += text.slice(i + 1, close);
        i = close + 1;
      } else {
        let j = i;
        while (j < text.length && !';:,'.includes(text[j]!)) j++;
        pvalue += text.slice(i, j);
        i = j;
      }
      if (text[i] !== ',') break;
      pvalue += ',';
      i++;
    }
    params[pname] = pvalue;
  }
  if (text[i] !== ':') throw new IcsError(`${name}: expected ":" before the value`, line);
  return { name, params, value: text.slice(i + 1), line };
}

/** TEXT value escapes: \\ \; \, \n \N. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** The whole file as its VCALENDAR component. */
export function parseIcs(input: string | Uint8Array): IcsComponent {
  const lines = unfold(input);
  if (lines.length === 0) throw new IcsError('the file is empty', 1);
  if (!/^BEGIN:VCALENDAR\s*$/i.test(lines[0]!.text)) {
    throw new IcsError(`an iCalendar file starts with BEGIN:VCALENDAR; this one starts with ${JSON.stringify(lines[0]!.text.slice(0, 40))}`, lines[0]!.line);
  }
  const stack: IcsComponent[] = [];
  let root: IcsComponent | undefined;
  for (const { text, line } of lines) {
    if (root) throw new IcsError(`text after END:${root.name} (one calendar per file)`, line);
    const prop = parseContentLine(text, line);
    if (prop.name === 'BEGIN') {
      const comp: IcsComponent = { name: prop.value.trim().toUpperCase(), line, properties: [], components: [] };
      if (stack.length === 0 && comp.name !== 'VCALENDAR') throw new IcsError(`an iCalendar file starts with BEGIN:VCALENDAR, not ${text}`, line);
      stack.at(-1)?.components.push(comp);
      stack.push(comp);
    } else if (prop.name === 'END') {
      const open = stack.pop();
      const name = prop.value.trim().toUpperCase();
      if (!open) throw new IcsError(`END:${name} without BEGIN:${name}`, line);
      if (open.name !== name) throw new IcsError(`END:${name} closes BEGIN:${open.name} of line ${open.line} (add END:${open.name} before it)`, line);
      if (stack.length === 0) root = open;
    } else {
      const open = stack.at(-1);
      if (!open) throw new IcsError(`an iCalendar file starts with BEGIN:VCALENDAR, not ${text}`, line);
      open.properties.push(prop);
    }
  }
  if (!root) {
    const open = stack.at(-1)!;
    throw new IcsError(`BEGIN:${open.name} is never closed (the file ends before END:${open.name}; is it cut short?)`, open.line);
  }
  return root;
}

export const property = (c: IcsComponent, name: string) => c.properties.find((p) => p.name === name);

/** An all-day event: the days it covers, DTEND exclusive. */
export interface IcsDayEvent {
  line: number;
  summary: string;
  description?: string;
  /** Every property, for readers that want more (X-APPLE-SPECIAL-DAY, CATEGORIES …). */
  component: IcsComponent;
  /** First day, "2027-02-06". */
  start: string;
  /** Day after the last one (DTEND, or DTSTART + DURATION, or DTSTART + 1). */
  end: string;
  /** Which property gave `end`: "DTEND", "DURATION" or "DTSTART" (a one-day event). */
  endFrom: 'DTEND' | 'DURATION' | 'DTSTART';
}

/** "20270206" (VALUE=DATE) → "2027-02-06"; anything else is an error naming the property. */
function dateValue(p: IcsProperty, event: string): string {
  const v = p.value.trim();
  const type = p.params.VALUE?.toUpperCase();
  if (/^\d{8}T\d{6}Z?$/.test(v) || type === 'DATE-TIME') {
    throw new IcsError(`${event}, ${p.name}: ${v} has a time of day; holiday events are all-day: write ${p.name};VALUE=DATE:${v.slice(0, 8)}`, p.line);
  }
  if (type !== undefined && type !== 'DATE') throw new IcsError(`${event}, ${p.name}: VALUE=${p.params.VALUE} is not a date; write ${p.name};VALUE=DATE:YYYYMMDD`, p.line);
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) throw new IcsError(`${event}, ${p.name}: ${JSON.stringify(v)} is not a date; write ${p.name};VALUE=DATE:YYYYMMDD, e.g. 20270206`, p.line);
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  const t = new Date(`${d}T12:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== d) throw new IcsError(`${event}, ${p.name}: ${v} is not a real date (no ${d} in the calendar)`, p.line);
  return d;
}

const plusDays = (d: string, n: number) => {
  const t = new Date(`${d}T12:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
};

/** "P3D", "P1W" → days; other durations are not whole days. */
function durationDays(p: IcsProperty, event: string): number {
  const m = /^\+?P(?:(\d+)W|(\d+)D)$/i.exec(p.value.trim());
  if (!m) throw new IcsError(`${event}, DURATION: ${p.value} is not a whole number of days (write P3D, or use DTEND)`, p.line);
  return m[1] ? Number(m[1]) * 7 : Number(m[2]);
}

/** How an event is named in errors (which carry the line): `event "春节(班)"`, or `event of line 40` without a SUMMARY. */
export const eventLabel = (summary: string | undefined, line: number) => (summary ? `event "${summary}"` : `event of line ${line}`);

/**
 * The calendar's VEVENTs as all-day events, in file order. Cancelled events are set apart;
 * recurring ones and ones without a readable date are errors, one per event.
 */
export function dayEvents(cal: IcsComponent): { events: IcsDayEvent[]; cancelled: IcsDayEvent[]; errors: IcsError[] } {
  const events: IcsDayEvent[] = [];
  const cancelled: IcsDayEvent[] = [];
  const errors: IcsError[] = [];
  for (const c of cal.components) {
    if (c.name !== 'VEVENT') continue;
    try {
      const ev = dayEvent(c);
      if (property(c, 'STATUS')?.value.trim().toUpperCase() === 'CANCELLED') cancelled.push(ev);
      else events.push(ev);
    } catch (e) {
      if (!(e instanceof IcsError)) throw e;
      errors.push(e);
    }
  }
  return { events, cancelled, errors };
}

/** One VEVENT as an all-day event. */
function dayEvent(c: IcsComponent): IcsDayEvent {
  const summaryProp = property(c, 'SUMMARY');
  const summary = summaryProp ? unescapeText(summaryProp.value).trim() : '';
  const label = eventLabel(summary, c.line);
  const descriptionProp = property(c, 'DESCRIPTION');
  const rrule = property(c, 'RRULE') ?? property(c, 'RDATE');
  if (rrule) throw new IcsError(`${label}, ${rrule.name}: recurring events are not supported (an official schedule lists each year's dates); list the days as separate events`, rrule.line);
  const dtstart = property(c, 'DTSTART');
  if (!dtstart) throw new IcsError(`${label}: no DTSTART (write DTSTART;VALUE=DATE:YYYYMMDD)`, c.line);
  const start = dateValue(dtstart, label);
  const dtend = property(c, 'DTEND');
  const duration = property(c, 'DURATION');
  let end: string;
  let endFrom: IcsDayEvent['endFrom'];
  if (dtend) {
    end = dateValue(dtend, label);
    endFrom = 'DTEND';
    if (end <= start) {
      throw new IcsError(`${label}, DTEND: ${dtend.value.trim()} is not after DTSTART ${dtstart.value.trim()}; DTEND is the day after the last day off (a one-day event on ${start} ends ${plusDays(start, 1).replaceAll('-', '')})`, dtend.line);
    }
  } else if (duration) {
    const n = durationDays(duration, label);
    if (n < 1) throw new IcsError(`${label}, DURATION: ${duration.value} covers no day`, duration.line);
    end = plusDays(start, n);
    endFrom = 'DURATION';
  } else {
    end = plusDays(start, 1); // RFC 5545 3.6.1: a DATE DTSTART alone is one day
    endFrom = 'DTSTART';
  }
  const ev: IcsDayEvent = { line: c.line, summary, component: c, start, end, endFrom };
  if (descriptionProp) ev.description = unescapeText(descriptionProp.value).trim();
  return ev;
}
