/**
 * Matching ASCII keywords (op names, agents, access kinds, advice, flag tokens) directly in the input bytes,
 * without decoding a string per field: the canonical CSV hot path allocates nothing for enum columns.
 * Lookup hashes (length, first, second, last byte) into a small table, then compares the bytes.
 */
export class KeywordTable {
  private readonly slots: Int32Array;
  private readonly words: Uint8Array[] = [];
  private readonly codes: number[] = [];
  private readonly next: number[] = [];
  private static readonly SIZE = 512;

  /** `entries`: keyword → code (code ≥ 0). */
  constructor(entries: Iterable<readonly [string, number]>) {
    this.slots = new Int32Array(KeywordTable.SIZE).fill(-1);
    for (const [word, code] of entries) {
      const bytes = Buffer.from(word, 'latin1');
      const h = KeywordTable.hash(bytes, 0, bytes.length);
      this.words.push(bytes);
      this.codes.push(code);
      this.next.push(this.slots[h]!);
      this.slots[h] = this.words.length - 1;
    }
  }

  private static hash(buf: Uint8Array, s: number, e: number): number {
    const n = e - s;
    if (n === 0) return 0;
    return (n * 131 + buf[s]! * 31 + buf[s + (n > 1 ? 1 : 0)]! * 7 + buf[e - 1]!) & (KeywordTable.SIZE - 1);
  }

  /** Code of the keyword spelled by `buf[s..e)`, or -1. */
  match(buf: Uint8Array, s: number, e: number): number {
    let k = this.slots[KeywordTable.hash(buf, s, e)]!;
    const n = e - s;
    while (k >= 0) {
      const w = this.words[k]!;
      if (w.length === n) {
        let i = 0;
        while (i < n && w[i] === buf[s + i]) i++;
        if (i === n) return this.codes[k]!;
      }
      k = this.next[k]!;
    }
    return -1;
  }
}
