/**
 * The canonical event vocabulary (docs/trace-formats.md part 1, `gmemlab-events` version 1).
 *
 * Two representations with a hard boundary: `TraceEvent` (plain objects with names, for authoring, tests,
 * notebooks) and `EventBatch` (columnar typed arrays with integer codes, for transport and simulation; see
 * batch.ts). The simulator never sees `TraceEvent`.
 */

/** Operation codes. CSV names are snake_case (`kernel_begin`), code names camelCase (`kernelBegin`). */
export const Op = {
  reserve: 0,
  release: 1,
  alloc: 2,
  free: 3,
  map: 4,
  unmap: 5,
  access: 6,
  prefetch: 7,
  advise: 8,
  copy: 9,
  kernelBegin: 10,
  kernelEnd: 11,
  marker: 12,
  /** mprotect of `[va, va+bytes)`: `flags=readonly` makes it read-only, no flag makes it read-write. */
  protect: 13,
  /** The process forks: every private CPU-side page becomes copy-on-write shared with the child. */
  fork: 14,
} as const;
export type OpName = keyof typeof Op;
export type OpCode = (typeof Op)[OpName];
export const OP_COUNT = 15;

/** Op code → name, indexed by code. */
export const OP_NAMES: readonly OpName[] = Object.keys(Op) as OpName[];

/** Op code → canonical CSV spelling. */
export const OP_CSV_NAMES: readonly string[] = OP_NAMES.map((n) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

const CSV_TO_OP = new Map<string, number>(OP_CSV_NAMES.map((n, i) => [n, i]));
/** CSV op spelling → code, or -1. */
export function opFromCsv(name: string): number {
  return CSV_TO_OP.get(name) ?? -1;
}

// ---- agents ---------------------------------------------------------------------------------------------

/** Agent codes: 0 = the host CPU, 1..n = devices (`dev0` → 1). */
export const CPU = 0;
/** "No agent given" (e.g. the `target` of an access row). */
export const NO_AGENT = 0xffff;
/** Highest device index representable (`dev65533`). */
export const MAX_DEVICE_INDEX = 0xfffe - 1;

export type AgentName = string; // 'cpu' | `dev${number}`

/** `cpu`/`host` → 0, `devN` → N+1, otherwise -1. */
export function agentFromName(name: string): number {
  if (name === 'cpu' || name === 'host') return CPU;
  const m = /^dev(\d{1,5})$/.exec(name);
  if (!m) return -1;
  const n = Number(m[1]);
  return n <= MAX_DEVICE_INDEX ? n + 1 : -1;
}

/** 0 → `cpu`, N+1 → `devN`; `NO_AGENT` → ''. */
export function agentName(code: number): AgentName {
  if (code === NO_AGENT) return '';
  return code === CPU ? 'cpu' : `dev${code - 1}`;
}

// ---- access kinds ---------------------------------------------------------------------------------------

export const Access = { r: 1, w: 2, rw: 3, atomic: 4 } as const;
export type AccessName = keyof typeof Access;
export const ACCESS_NAMES: Readonly<Record<number, AccessName>> = { 1: 'r', 2: 'w', 3: 'rw', 4: 'atomic' };
/** True when the access code includes a write (w, rw, atomic). */
export function isWrite(access: number): boolean {
  return (access & (Access.w | Access.atomic)) !== 0;
}

// ---- advice ---------------------------------------------------------------------------------------------

export const Advice = {
  willneed: 1,
  dontneed: 2,
  pinned: 3,
  unpin: 4,
  read_mostly: 5,
  unset_read_mostly: 6,
  preferred_location: 7,
  unset_preferred_location: 8,
  accessed_by: 9,
  unset_accessed_by: 10,
} as const;
export type AdviceName = keyof typeof Advice;
export const ADVICE_NAMES: Readonly<Record<number, AdviceName>> = Object.fromEntries(
  Object.entries(Advice).map(([k, v]) => [v, k as AdviceName]),
);

// ---- flags ----------------------------------------------------------------------------------------------

/** Flag bits of the `flags` column. Unknown tokens are errors unless prefixed `x_` (dropped on import). */
export const Flag = {
  // allocation kind (exactly one on `alloc`)
  host: 1 << 0,
  device: 1 << 1,
  managed: 1 << 2,
  peer_shared: 1 << 3,
  pinned_host: 1 << 4,
  // mapping attributes
  null: 1 << 5,
  readonly: 1 << 6,
  compressed: 1 << 7,
  aliased: 1 << 8,
  // behaviour
  async: 1 << 9,
  // provenance
  synthetic: 1 << 10,
  from_fault: 1 << 11,
  preexisting: 1 << 12,
  size_unknown: 1 << 13,
} as const;
export type FlagName = keyof typeof Flag;
export const FLAG_NAMES: readonly FlagName[] = Object.keys(Flag) as FlagName[];
export const KIND_MASK = Flag.host | Flag.device | Flag.managed | Flag.peer_shared | Flag.pinned_host;
/** Kinds whose bytes count toward the trace footprint (docs/cli.md §3). */
export const DEVICE_ACCESSIBLE_MASK = Flag.managed | Flag.peer_shared | Flag.device;

/** `a|b|c` → bits; returns the first unknown token instead when there is one. */
export function flagsFromTokens(text: string): number | { unknown: string } {
  let bits = 0;
  if (text === '') return 0;
  for (const tok of text.split('|')) {
    const t = tok.trim();
    if (t === '' || t.startsWith('x_')) continue;
    const b = (Flag as Record<string, number>)[t];
    if (b === undefined) return { unknown: t };
    bits |= b;
  }
  return bits;
}

/** Bits → `a|b|c` in `Flag` declaration order (canonical). */
export function flagsToTokens(bits: number): string {
  if (bits === 0) return '';
  const out: string[] = [];
  for (const n of FLAG_NAMES) if (bits & Flag[n]) out.push(n);
  return out.join('|');
}

/** Number of kind bits set in `bits` (an `alloc` needs exactly one). */
export function kindCount(bits: number): number {
  let k = bits & KIND_MASK;
  let n = 0;
  while (k) {
    n += k & 1;
    k >>>= 1;
  }
  return n;
}

// ---- markers --------------------------------------------------------------------------------------------

/** Marker kinds, kept in the `code` column of marker rows; the full text stays in `label`. */
export const MarkerKind = { other: 0, oom: 1, fault_batch_begin: 2, fault_batch_end: 3, frame: 4, phase: 5, sync: 6 } as const;
export function markerKindOf(label: string): number {
  if (label === 'oom') return MarkerKind.oom;
  if (label === 'fault_batch_begin') return MarkerKind.fault_batch_begin;
  if (label === 'fault_batch_end') return MarkerKind.fault_batch_end;
  if (label === 'frame' || label.startsWith('frame:')) return MarkerKind.frame;
  if (label.startsWith('phase:')) return MarkerKind.phase;
  if (label === 'sync') return MarkerKind.sync;
  return MarkerKind.other;
}

// ---- the authoring form -----------------------------------------------------------------------------------

/**
 * One event in authoring form. Which fields an op requires is in `OP_REQUIRED`; the rest are optional
 * (absent = "not given"; numeric defaults: `agent` cpu, `count` 1, `offsetBytes` 0).
 * A flat interface (rather than a union per op) keeps notebooks and importer tests short; the reader and
 * `validateEvent` enforce the per-op rules.
 */
export interface TraceEvent {
  readonly op: OpName;
  /** ns since the trace origin, integer, < 2^53. */
  readonly tNs: number;
  readonly agent?: AgentName;
  readonly va?: number;
  readonly bytes?: number;
  readonly access?: AccessName;
  readonly advice?: AdviceName;
  readonly target?: AgentName;
  readonly flags?: readonly FlagName[];
  readonly resource?: string;
  readonly offsetBytes?: number;
  readonly count?: number;
  readonly pageBytes?: number;
  readonly durNs?: number;
  readonly label?: string;
}

/** Canonical CSV columns, in the order the writer emits them. */
export const CSV_COLUMNS = [
  't_ns', 'op', 'agent', 'va', 'bytes', 'access', 'advice', 'target', 'flags', 'resource', 'offset', 'count',
  'page_bytes', 'dur_ns', 'label',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Required columns per op (besides `t_ns` and `op`). `copy` accepts `flags=size_unknown` instead of bytes. */
export const OP_REQUIRED: Readonly<Record<OpName, readonly CsvColumn[]>> = {
  reserve: ['va', 'bytes'],
  release: ['va'],
  alloc: ['va', 'bytes', 'flags'],
  free: ['va'],
  map: ['va', 'bytes'],
  unmap: ['va', 'bytes'],
  access: ['agent', 'va', 'bytes', 'access'],
  prefetch: ['va', 'bytes', 'target'],
  advise: ['va', 'bytes', 'advice'],
  copy: ['agent', 'target'],
  kernelBegin: ['agent'],
  kernelEnd: ['agent'],
  marker: ['label'],
  protect: ['va', 'bytes'],
  fork: [],
};
