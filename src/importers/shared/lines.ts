import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';

/** One text line of an input (without its line terminator). */
export interface Line {
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
  /** 0-based byte offset of the line start in the (decompressed) input. */
  readonly offset: number;
}

/** Longest line accepted by default (1 MiB, as the canonical CSV reader): longer is an error, not a hang. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Split a byte stream into lines (LF or CRLF; a final line without terminator is returned too). Lines are
 * decoded as UTF-8. A line longer than `maxLineBytes` stops with `import.syntax` naming the line.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<Line> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let line = 1;
  let offset = 0;
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      let bytes: Buffer;
      if (carryLen > 0) {
        carry.push(buf.subarray(start, nl));
        bytes = Buffer.concat(carry);
        carry = [];
        carryLen = 0;
      } else bytes = buf.subarray(start, nl);
      if (bytes.length > maxLineBytes) tooLong(file, line, bytes.length, maxLineBytes);
      let end = bytes.length;
      if (end > 0 && bytes[end - 1] === 13) end--;
      yield { text: bytes.toString('utf8', 0, end), line, offset };
      offset += bytes.length + 1;
      line++;
      start = nl + 1;
    }
    if (start < buf.length) {
      carry.push(buf.subarray(start));
      carryLen += buf.length - start;
      if (carryLen > maxLineBytes) tooLong(file, line, carryLen, maxLineBytes);
    }
  }
  if (carryLen > 0) {
    const bytes = Buffer.concat(carry);
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    yield { text: bytes.toString('utf8', 0, end), line, offset };
  }
}

function tooLong(file: string, line: number, got: number, max: number): never {
  fail(importerMessages.syntax({ file, line }, 'line', `a line of at most ${max} bytes`, `${got}+ bytes`));
}

/** Read the whole (decompressed) input into one buffer, refusing inputs above `maxBytes`. */
export async function readAllBytes(chunks: AsyncIterable<Uint8Array>, file: string, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > maxBytes) {
      fail(importerMessages.syntax({ file, offset: maxBytes }, 'input', `at most ${maxBytes} bytes for this format`, `more than ${maxBytes} bytes`));
    }
    parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  }
  return Buffer.concat(parts, n);
}
