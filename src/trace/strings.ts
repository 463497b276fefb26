/**
 * Trace-wide interning table for `resource` and `label` strings. Id 0 means "none"; ids are assigned in
 * first-seen order, so the same trace read twice gets the same ids. Shared by every batch of one trace.
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [''];

  /** Id of `s` (interning it if new). The empty string is id 0. */
  intern(s: string): number {
    if (s === '') return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The string for `id` ('' for 0). */
  get(id: number): string {
    return this.list[id] ?? '';
  }

  /** Id of `s` without interning, or 0 when unknown. */
  lookup(s: string): number {
    return this.ids.get(s) ?? 0;
  }

  get size(): number {
    return this.list.length;
  }
}
