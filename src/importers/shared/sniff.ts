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

/**
 * For `--from auto` when no importer recognises the head and the head is nothing but `#` comment lines (a
 * canonical CSV whose `# key=value` metadata preamble is longer than the head): the head with the preamble
 * shortened to its first line, followed by up to `headBytes` bytes of what comes after the preamble, so each
 * sniffer sees the file's shape (a preamble, then the header) within its usual head. Streams `chunks` from the
 * start: holds one comment line (at most `maxLineBytes`, the reader's per-line limit) and the new head, never the
 * whole preamble. Undefined when the head is not an unfinished preamble, a comment line exceeds `maxLineBytes`,
 * or the file ends inside the preamble. Never throws on content (I/O errors of `chunks` propagate).
 */
export async function headPastPreamble(head: Uint8Array, chunks: () => AsyncIterable<Uint8Array>, maxLineBytes: number, headBytes = head.length): Promise<Uint8Array | undefined> {
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  if (head[bom] !== 0x23 /* # */) return undefined;
  const firstEnd = head.indexOf(0x0a);
  // the preamble must run past the head (otherwise the sniffers already saw what follows it)
  for (let p = firstEnd + 1; p > 0 && p < head.length; ) {
    const c = head[p]!;
    if (c !== 0x23 && c !== 0x0a && c !== 0x0d) return undefined;
    const nl = head.indexOf(0x0a, p);
    if (nl < 0) break;
    p = nl + 1;
  }
  // the preamble's first line (its first 4 KiB when longer) stands for the whole preamble
  const out: Buffer[] = [Buffer.from(head.subarray(0, Math.min(firstEnd < 0 ? head.length : firstEnd, bom + 4096))), Buffer.from('\n')];
  let outBytes = 0;
  let atLineStart = true;
  let inComment = false;
  let lineBytes = 0;
  let collecting = false;
  let skip = bom;
  for await (const chunk of chunks()) {
    let i = Math.min(skip, chunk.length);
    skip -= i;
    if (collecting) {
      const part = chunk.subarray(0, headBytes - outBytes);
      out.push(Buffer.from(part));
      outBytes += part.length;
      if (outBytes >= headBytes) break;
      continue;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (atLineStart) {
        if (c === 0x0a || c === 0x0d) continue; // blank line
        if (c !== 0x23) {
          collecting = true;
          break;
        }
        atLineStart = false;
        inComment = true;
        lineBytes = 0;
      }
      if (inComment) {
        if (c === 0x0a) {
          atLineStart = true;
          inComment = false;
        } else if (++lineBytes > maxLineBytes) return undefined;
      }
    }
    if (collecting) {
      const part = chunk.subarray(i, i + headBytes);
      out.push(Buffer.from(part));
      outBytes += part.length;
      if (outBytes >= headBytes) break;
    }
  }
  return collecting ? Buffer.concat(out) : undefined;
}
