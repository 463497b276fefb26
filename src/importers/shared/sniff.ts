/** Helpers for `sniff(head)`: cheap, never throwing tests on the first decompressed bytes of an input. */

/** The head decoded as latin1 (byte-preserving; enough for ASCII keywords). */
export function headText(head: Uint8Array, max = head.length): string {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, max)).toString('latin1');
}

/** First byte that is not JSON whitespace (or a UTF-8 BOM), or -1. */
export function firstNonWs(head: Uint8Array): number {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  for (; i < head.length; i++) {
    const c = head[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
  }
  return -1;
}

/** The first line of the head (without its terminator), at most `max` bytes. */
export function firstLine(head: Uint8Array, max = 4096): string {
  const t = headText(head, max);
  const nl = t.indexOf('\n');
  return (nl < 0 ? t : t.slice(0, nl)).replace(/\r$/, '');
}

/** File name without folders. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}
