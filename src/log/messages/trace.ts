import { defineMessage, quote } from '../diagnostic';

/**
 * Messages about reading traces: canonical CSV structure (`csv.*`, import errors: `--strict` stops at the
 * first, `--lenient` skips the row and counts it), trace semantics (`trace.*`, warnings from the streaming
 * semantic checker applied to every importer's output), format detection and importer options
 * (`import.*`) and the Arrow trace files and cache (`arrow.*`).
 */
export const csvMessages = {
  empty: defineMessage('csv.empty', 'error', 'The file is empty: export the trace again, or check that the right file was given.', () => ({
    message: 'empty file: no header line',
    expected: 'a header line naming the columns (t_ns,op,…)',
    found: 'nothing',
  })),
  headerOnly: defineMessage('csv.header-only', 'error', 'The trace has a header but no event rows. If an empty trace is intended, import with --lenient.', () => ({
    message: 'the file has a header but no event rows',
    expected: 'at least one event row after the header',
    found: 'end of file',
  })),
  unknownColumn: defineMessage('csv.unknown-column', 'error', 'Rename the column to a canonical name (docs/trace-formats.md part 1), prefix it with x_ to carry it through unused, or import with --map.', (name: string, known: readonly string[]) => ({
    message: `unknown column ${quote(name)}`,
    expected: `one of ${known.join(', ')}, or a name starting with x_`,
    found: quote(name),
  })),
  duplicateColumn: defineMessage('csv.duplicate-column', 'error', 'Each column may appear only once in the header.', (name: string, firstCol: number) => ({
    message: `column ${quote(name)} appears twice (first as column ${firstCol})`,
    expected: 'each column once',
    found: `a second ${quote(name)}`,
  })),
  missingColumn: defineMessage('csv.missing-column', 'error', 'Add the column to the header (an empty cell means "not given"), or use --map to derive it from another column or a constant.', (column: string, why: string) => ({
    message: `the header has no column ${quote(column)}, ${why}`,
    expected: `a ${quote(column)} column`,
    found: 'no such column',
  })),
  missingField: defineMessage('csv.missing-field', 'error', 'Fill in the field; docs/trace-formats.md part 1 lists the fields each op requires.', (op: string, why?: string) => ({
    message: `empty field required by op ${quote(op)}${why ? ` (${why})` : ''}`,
    expected: 'a value',
    found: 'an empty cell',
  })),
  fieldCount: defineMessage('csv.field-count', 'error', 'Every row must have as many fields as the header; quote fields that contain commas.', (expected: number, found: number) => ({
    message: 'wrong number of fields',
    expected: `${expected} fields (as in the header)`,
    found: `${found}`,
  })),
  truncatedLastLine: defineMessage('csv.truncated-last-line', 'error', 'The file ends in the middle of a row: it was probably cut off while being written or copied. Re-export it, or import with --lenient to drop the partial row.', (expected: number, found: number) => ({
    message: 'the last line is incomplete and has no line end: the file looks truncated',
    expected: `${expected} fields ending with a line break`,
    found: `${found} field${found === 1 ? '' : 's'} and end of file`,
  })),
  unterminatedQuote: defineMessage('csv.unterminated-quote', 'error', 'A quoted field was opened but never closed; the file may be truncated or a quote may be missing.', () => ({
    message: 'quoted field is never closed',
    expected: 'a closing double quote',
    found: 'end of file',
  })),
  badQuote: defineMessage('csv.bad-quote', 'error', 'Quote the whole field (RFC 4180): "a,b" and write a quote inside a quoted field as "".', (found: string) => ({
    message: 'misplaced double quote',
    expected: 'a quote only around a whole field, or "" inside a quoted field',
    found,
  })),
  lineTooLong: defineMessage('csv.line-too-long', 'error', 'No valid trace row is this long: the file is probably not a CSV trace, or a quote is unbalanced. If it is genuine, raise the limit with the importer option maxLineBytes.', (limitBytes: number) => ({
    message: 'line longer than the reader limit',
    expected: `at most ${limitBytes} bytes per line`,
    found: 'a longer line',
  })),
  binary: defineMessage('csv.binary', 'error', 'This looks like a binary file, not a CSV trace. Check the path, or pick the right format with --from.', (what: string) => ({
    message: 'binary data where CSV text was expected',
    expected: 'UTF-8 text',
    found: what,
  })),
  badUtf8: defineMessage('csv.bad-utf8', 'error', 'Save the file as UTF-8.', () => ({
    message: 'invalid UTF-8 in a text field',
    expected: 'UTF-8 text',
    found: 'bytes that are not valid UTF-8',
  })),
  unknownOp: defineMessage('csv.unknown-op', 'error', 'Use a canonical op name (docs/trace-formats.md part 1), or map foreign op names with --map.', (found: string, known: readonly string[]) => ({
    message: 'unknown op',
    expected: `one of ${known.join(', ')}`,
    found: quote(found),
  })),
  badNumber: defineMessage('csv.bad-number', 'error', 'Write integers in decimal (addresses may also be 0x-prefixed hex). Unit suffixes are not canonical: convert them with --map.', (expected: string, found: string) => ({
    message: 'not a number',
    expected,
    found: quote(found),
  })),
  negative: defineMessage('csv.negative', 'error', 'Sizes, addresses and times are never negative; rebase times to the trace start.', (found: string) => ({
    message: 'negative value',
    expected: 'a value ≥ 0',
    found: quote(found),
  })),
  zeroSize: defineMessage('csv.zero-size', 'error', 'A range needs at least one byte; drop the row or give its real size.', (op: string) => ({
    message: `zero size on a ${quote(op)} row`,
    expected: 'bytes > 0',
    found: '0',
  })),
  tooLarge: defineMessage('csv.too-large', 'error', 'Values must stay below 2^53 (9007199254740992) to be exact: rebase absolute timestamps to the trace start and use addresses below 2^53.', (found: string) => ({
    message: 'value too large to be exact',
    expected: 'a value < 2^53 (9007199254740992)',
    found: quote(found),
  })),
  rangeTooLarge: defineMessage('csv.range-too-large', 'error', 'The range [va, va+bytes) must end at or below 2^53.', (vaPlusBytes: string) => ({
    message: 'address range ends beyond 2^53',
    expected: 'va + bytes ≤ 2^53 (9007199254740992)',
    found: vaPlusBytes,
  })),
  badAgent: defineMessage('csv.bad-agent', 'error', 'Agents are cpu (alias host) or dev<N> (dev0, dev1, …); map others with --map.', (found: string) => ({
    message: 'unknown agent',
    expected: 'cpu, host or dev<N>',
    found: quote(found),
  })),
  badEnum: defineMessage('csv.bad-value', 'error', 'Use one of the listed values (docs/trace-formats.md part 1).', (found: string, allowed: readonly string[]) => ({
    message: 'value not allowed here',
    expected: `one of ${allowed.join(', ')}`,
    found: quote(found),
  })),
  unknownFlag: defineMessage('csv.unknown-flag', 'error', 'Use canonical flag tokens joined by |, or prefix your own with x_ (carried through, ignored).', (found: string, known: readonly string[]) => ({
    message: 'unknown flag',
    expected: `tokens among ${known.join(', ')} (or x_…)`,
    found: quote(found),
  })),
  allocKind: defineMessage('csv.alloc-kind', 'error', 'An alloc names exactly one kind: host, device, managed, peer_shared or pinned_host.', (found: string) => ({
    message: 'alloc needs exactly one allocation kind flag',
    expected: 'exactly one of host, device, managed, peer_shared, pinned_host',
    found: found === '' ? 'none' : quote(found),
  })),
  badCount: defineMessage('csv.bad-count', 'error', 'count is how many identical events the row stands for: a positive integer below 2^32.', (found: string) => ({
    message: 'bad count',
    expected: 'an integer in [1, 4294967295]',
    found: quote(found),
  })),
  badPageSize: defineMessage('csv.bad-page-size', 'error', 'page_bytes is a power of two (4096, 65536, 2097152, …).', (found: string) => ({
    message: 'bad page size',
    expected: 'a power of two ≥ 1',
    found: quote(found),
  })),
  unalignedMap: defineMessage(
    'csv.unaligned-map',
    'error',
    'A bind maps whole pages: va, bytes and offset must be multiples of page_bytes.',
    (what: string, value: number, pageBytes: number) => ({
      message: `map ${what} is not a multiple of its page size`,
      expected: `a multiple of page_bytes = ${pageBytes}`,
      found: `${value} (remainder ${value % pageBytes})`,
    }),
    ['va', 69632, 65536],
  ),
  timeBackwards: defineMessage('csv.time-backwards', 'error', 'Rows must be ordered by t_ns (equal times keep file order). Sort the file by t_ns, or import with the option sort=true.', (previousNs: number, foundNs: number) => ({
    message: 'timestamp goes backwards',
    expected: `t_ns ≥ ${previousNs} (the previous row)`,
    found: `${foundNs}`,
  })),
} as const;

/** Semantic problems: warnings (the trace is still usable; simulations report them as result events). */
export const traceMessages = {
  freeNotLive: defineMessage('trace.free-not-live', 'warning', 'The trace frees memory it never allocated (or frees it twice). A recorder may have missed the allocation: record from the start, or mark pre-existing allocations.', (seq: number, op: string, va: number) => ({
    message: `event ${seq}: ${op} of an address with no live ${op === 'release' ? 'reservation' : 'allocation'} starting there`,
    expected: `a live ${op === 'release' ? 'reserve' : 'alloc'} at 0x${va.toString(16)}`,
    found: 'none',
  })),
  sizeMismatch: defineMessage('trace.size-mismatch', 'warning', 'The bytes of a free/release should equal those of the alloc/reserve it ends.', (seq: number, op: string, expected: number, found: number) => ({
    message: `event ${seq}: ${op} size differs from the live range it ends`,
    expected: `${expected}`,
    found: `${found}`,
  })),
  unmapNotMapped: defineMessage('trace.unmap-not-mapped', 'warning', 'The trace unmaps a range that was never mapped (or unmaps it twice).', (seq: number, va: number, bytes: number, mappedBytes: number) => ({
    message: `event ${seq}: unmap of a range that is not (fully) mapped`,
    expected: `[0x${va.toString(16)}, +${bytes}) mapped`,
    found: `${mappedBytes} of ${bytes} bytes mapped`,
  })),
  overlappingMap: defineMessage('trace.overlapping-map', 'warning', 'A map over an already-mapped range replaces the old binding without an unmap; add the unmap if the recorder dropped it.', (seq: number, va: number, bytes: number, overlapBytes: number) => ({
    message: `event ${seq}: map overlaps a range that is already mapped`,
    expected: `[0x${va.toString(16)}, +${bytes}) unmapped`,
    found: `${overlapBytes} bytes already mapped`,
  })),
  mapOutsideReservation: defineMessage('trace.map-outside-reservation', 'warning', 'A map binds pages inside a live reserve (or alloc); add the reserve, or check the addresses.', (seq: number, va: number, bytes: number) => ({
    message: `event ${seq}: map outside any live reservation or allocation`,
    expected: `[0x${va.toString(16)}, +${bytes}) inside a live reserve or alloc`,
    found: 'no enclosing live range',
  })),
  overlappingRange: defineMessage('trace.overlapping-range', 'warning', 'Two live allocations (or two live reservations) share addresses; a free may be missing.', (seq: number, op: string, va: number, bytes: number, overlapBytes: number) => ({
    message: `event ${seq}: ${op} overlaps a live ${op === 'reserve' ? 'reservation' : 'allocation'}`,
    expected: `[0x${va.toString(16)}, +${bytes}) free`,
    found: `${overlapBytes} bytes already live`,
  })),
  timeBackwards: defineMessage('trace.time-backwards', 'error', 'Importers must emit events in time order (sorting stably when the source is unordered): this is an importer bug, please report it.', (previousNs: number, foundNs: number) => ({
    message: 'event timestamps go backwards',
    expected: `t_ns ≥ ${previousNs}`,
    found: `${foundNs}`,
  })),
  noEvents: defineMessage('trace.no-events', 'warning', 'The trace has no events; nothing will be simulated.', () => ({
    message: 'the trace has no events',
  })),
  accessOutsideAllocation: defineMessage(
    'trace.access-outside-allocation',
    'warning',
    'Every system reports such an access as an error (unmapped access) and skips it, so the run ends in status error. A trace of raw addresses (a cache, DRAM or instruction trace mapped with --map) needs the allocations its accesses fall in: add alloc rows (e.g. one covering the address range at t=0); otherwise check the importer mapping.',
    (count: number, va: number, bytes: number) => ({
      message: `${count} access row${count === 1 ? ' touches' : 's touch'} memory outside every live allocation and mapping; the first: ${bytes} bytes at 0x${va.toString(16)}`,
      expected: 'every access inside a live alloc or map',
      found: `${count} outside`,
    }),
    [113872, 0x2000d5c0, 4096],
  ),
  liveAtEnd: defineMessage(
    'trace.live-at-end',
    'warning',
    'Allocations are still live when the trace ends. Normal for a recording stopped before the program freed its memory; if the file was cut (copied or exported while being written — a cut exactly at a line break parses cleanly), re-export it. Simulations keep such memory resident to the end.',
    (count: number, bytes: number) => ({
      message: `the trace ends with ${count} allocation${count === 1 ? '' : 's'} never freed`,
      expected: 'every alloc freed by the end of the trace',
      found: `${count} live (${bytes} bytes)`,
    }),
    [25, 104857600],
  ),
  kernelOpenAtEnd: defineMessage(
    'trace.kernel-open-at-end',
    'warning',
    'More kernels start than end: the recording stopped inside a kernel, or the file was cut (a cut exactly at a line break parses cleanly). Re-export it if it was cut; the open kernels are charged no end.',
    (begins: number, ends: number) => ({
      message: `the trace ends with ${begins - ends} kernel${begins - ends === 1 ? '' : 's'} still open`,
      expected: 'as many kernel_end as kernel_begin events',
      found: `${begins} kernel_begin, ${ends} kernel_end`,
    }),
    [12, 11],
  ),
} as const;

/** Format detection, importer options, map specs. */
export const importMessages = {
  emptyFile: defineMessage('import.empty-file', 'error', 'The file is empty: export the trace again, or check that the right file was given.', () => ({
    message: 'empty file',
    expected: 'a trace',
    found: '0 bytes',
  })),
  unknownFormat: defineMessage('import.unknown-format', 'error', 'Name the format with --from (gmemlab formats lists them); a CSV from another tool needs --map (docs/import.md).', (known: readonly string[], found?: string) => ({
    message: `format not recognised; known formats are ${known.join(', ')}`,
    expected: 'a file in a known format',
    found: found ?? 'no importer recognises its first bytes',
  })),
  unsupportedFormat: defineMessage('import.unsupported-format', 'error', 'Use one of the listed formats (gmemlab formats).', (name: string, known: readonly string[]) => ({
    message: `no importer for format ${quote(name)} yet; available formats are ${known.join(', ')}`,
  })),
  unknownOption: defineMessage('import.unknown-option', 'error', 'Use an option the importer documents (gmemlab formats); when the format was detected from the file, check it is the one you meant, or name it with --from.', (importer: string, name: string, known: readonly string[], detected = false) => ({
    message: detected
      ? `importer ${importer} (the format detected from the file's content) has no option ${quote(name)}; name the format with --from if the file is another one`
      : `importer ${importer} has no option ${quote(name)}`,
    expected: known.length ? `one of ${known.join(', ')}` : 'no options',
    found: quote(name),
  })),
  badOption: defineMessage('import.bad-option', 'error', 'Give the option a value of its type.', (importer: string, name: string, expected: string, found: string) => ({
    message: `bad value for option ${quote(name)} of importer ${importer}`,
    expected,
    found: quote(found),
  })),
  mapNeedsCsv: defineMessage('import.map-needs-csv', 'error', '--map maps the columns of a foreign CSV file; use it with --from csv (or auto).', (from: string) => ({
    message: `--map works only with CSV input, not with --from ${from}`,
  })),
  badOutput: defineMessage('import.bad-output', 'error', 'Name the output out.csv (canonical CSV) or out.arrow (Arrow IPC).', (target: string) => ({
    message: `cannot tell the output format from ${quote(target)}`,
    expected: 'a name ending in .csv or .arrow',
    found: quote(target),
  })),
} as const;

/** Foreign-CSV map specifications (`--map`). */
export const mapMessages = {
  badJson: defineMessage('map.bad-json', 'error', 'Fix the JSON of the map spec (docs/import.md shows the format).', (reason: string) => ({
    message: `map spec is not valid JSON: ${reason}`,
  })),
  badSpec: defineMessage('map.bad-spec', 'error', 'Fix the map spec (docs/import.md shows the format).', (expected: string, found: string) => ({
    message: 'invalid map spec',
    expected,
    found,
  })),
  missingSourceColumn: defineMessage('map.missing-source-column', 'error', 'The map names a column the file does not have: check the spelling (case matters) or the delimiter. A file without a header line needs the map\'s "header": [names] (docs/import.md), or its first line is read as the header.', (column: string, header: readonly string[]) => ({
    message: `the map reads column ${quote(column)}, which the file does not have${header.some((h) => /^\s*(0x)?[0-9a-f]+(\.[0-9]+)?\s*$/i.test(h)) ? ' (its first line looks like data: a file without a header line needs the map\'s "header")' : ''}`,
    expected: quote(column),
    found: `columns ${someQuoted(header)}`,
  })),
  badValue: defineMessage('map.bad-value', 'error', 'The value cannot be converted as the map says; fix the value or the map. A "replace" or "values" rule that turns a placeholder into the empty string makes it "not given".', (expected: string, found: string, rewritten?: string) => ({
    message: 'cannot convert value',
    expected,
    found: rewritten === undefined ? quote(found) : `${quote(rewritten)} (the cell ${quote(found)} after replace/values)`,
  }), ['an address (decimal or 0x hex) in B', 'ffff8000 (kernel)', '0xffff8000 (kernel)']),
  beforeOrigin: defineMessage('map.before-origin', 'error', 'rebase subtracts the first row\'s time, so a row earlier than the first would get a negative time: the file is not in time order. Import with --opt sort=true to sort the rows and rebase on the earliest time.', (originLine: number, origin: string, found: string, earlierNs: string) => ({
    message: 'time before the rebase origin (the first row\'s time): rebased, it would be negative',
    expected: `a time ≥ the rebase origin ${quote(origin)} (line ${originLine})`,
    found: `${quote(found)}, ${earlierNs} ns earlier`,
  }), [2, '3532602762001', '3532602761916', '85']),
  fieldCount: defineMessage('map.field-count', 'error', 'Every row needs one field per column name, in order (with "ragged": true, trailing fields may be missing). Check the delimiter ("whitespace" for space-aligned files) and the map\'s "header".', (names: readonly string[], given: boolean, ragged: boolean, found: number) => ({
    message: 'wrong number of fields',
    expected: `${ragged ? 'at most ' : ''}${names.length} field${names.length === 1 ? '' : 's'}: ${someQuoted(names)} (${given ? 'the map\'s "header"' : 'the header line'})`,
    found: `${found}`,
  }), [['addr', 'rw'], true, false, 1]),
  noRows: defineMessage('map.no-rows', 'error', 'The file has no data rows (only blank or comment lines). If an empty trace is intended, import with --lenient.', (names: readonly string[]) => ({
    message: 'the file has no rows',
    expected: `at least one row of ${someQuoted(names)} (the map's "header")`,
    found: 'end of file',
  }), [['addr', 'rw']]),
  unusedColumns: defineMessage('map.unused-columns', 'info', 'Columns the map does not read are ignored; list them in "ignore" to silence this.', (columns: readonly string[]) => ({
    message: `columns not used by the map: ${someQuoted(columns)}`,
  })),
} as const;

/** Arrow trace files (`import -o out.arrow`) and the import cache in `.gmemlab-cache/`. */
export const arrowMessages = {
  notGmemlab: defineMessage('arrow.not-gmemlab', 'error', 'Only Arrow files written by gmemlab (import -o out.arrow) can be read as traces.', (found: string) => ({
    message: 'not a gmemlab Arrow trace',
    expected: 'an Arrow IPC file with gmemlab trace metadata',
    found,
  })),
  corrupt: defineMessage('arrow.corrupt', 'error', 'The Arrow file was damaged after gmemlab wrote it (a truncated copy, a disk error, an edit); import its source again. A damaged cache entry is rebuilt automatically.', (what: string) => ({
    message: 'Arrow trace is damaged',
    expected: 'the blocks, checksums and footer gmemlab wrote',
    found: what,
  }), ['block at byte 1048576 does not match its checksum']),
  cacheUnwritable: defineMessage('arrow.cache-unwritable', 'info', 'The import cache folder (.gmemlab-cache/ in the project, or GMEMLAB_CACHE_DIR) is not writable; imports still work, only without the cache.', (reason: string) => ({
    message: `could not write the import cache (${reason}); continuing without it`,
  })),
  cacheRebuilt: defineMessage('arrow.cache-rebuilt', 'info', 'Nothing to do: a damaged cache entry is detected by checksum and rebuilt from the source.', (what: string) => ({
    message: `cached import was damaged (${what}); read the source again and rebuilt the cache`,
  })),
} as const;

/** Header names for a message: the first 20, quoted, then how many more (a 100,000-column header stays one short line). */
function someQuoted(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => quote(n, 30)).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}
