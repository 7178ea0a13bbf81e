/**
 * The long connection's frame (pbbp2.Frame, the protobuf the Feishu SDK's WSClient speaks),
 * encoded and decoded by hand: only the fields the SDK reads or writes (SeqID, LogID,
 * service, method, headers, payload).
 */
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number; // 0 control, 1 data
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

// ---- minimal protobuf (pbbp2.Frame) ----
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const bytesField = (field: number, b: Uint8Array) => [...key(field, 2), ...varint(b.length), ...b];
export const str = (s: string) => new TextEncoder().encode(s);

export function encode(f: Frame): Uint8Array {
  const out: number[] = [...key(1, 0), ...varint(f.SeqID), ...key(2, 0), ...varint(f.LogID), ...key(3, 0), ...varint(f.service), ...key(4, 0), ...varint(f.method)];
  for (const h of f.headers) out.push(...bytesField(5, new Uint8Array([...bytesField(1, str(h.key)), ...bytesField(2, str(h.value))])));
  if (f.payload) out.push(...bytesField(8, f.payload));
  return new Uint8Array(out);
}

function fields(buf: Uint8Array): { field: number; value: number | Uint8Array }[] {
  const out: { field: number; value: number | Uint8Array }[] = [];
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return n;
    }
  };
  while (i < buf.length) {
    const k = readVarint();
    const field = Math.floor(k / 8);
    const wire = k % 8;
    if (wire === 0) out.push({ field, value: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      out.push({ field, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

export function decode(buf: Uint8Array): Frame {
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  const dec = new TextDecoder();
  for (const { field, value } of fields(buf)) {
    if (field === 4) f.method = value as number;
    if (field === 5) {
      const h = { key: '', value: '' };
      for (const x of fields(value as Uint8Array)) {
        if (x.field === 1) h.key = dec.decode(x.value as Uint8Array);
        if (x.field === 2) h.value = dec.decode(x.value as Uint8Array);
      }
      f.headers.push(h);
    }
    if (field === 8) f.payload = value as Uint8Array;
  }
  return f;
}
