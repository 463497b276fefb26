import type { EventBatch } from '../../src/trace/batch';
import { Flag, kindCount, NO_AGENT, Op, OP_NAMES } from '../../src/trace/event';

const EXACT = 2 ** 53;

/**
 * Structural validity of imported rows against docs/trace-formats.md part 1 (the rules a canonical CSV reader
 * enforces): times are integers in [0, 2^53) and non-decreasing; each op has its required fields; sizes are
 * > 0 (a `copy` may instead say size_unknown, a marker may carry 0); ranges end below 2^53; an alloc has
 * exactly one kind; count >= 1. Returns the first problems found (empty = valid).
 */
export function canonicalProblems(batches: readonly EventBatch[], max = 5): string[] {
  const out: string[] = [];
  let last = 0;
  let seq = 0;
  const bad = (why: string): void => {
    if (out.length < max) out.push(`row ${seq}: ${why}`);
  };
  for (const b of batches) {
    for (let i = 0; i < b.length; i++, seq++) {
      const op = b.op[i]!;
      const name = OP_NAMES[op];
      const t = b.tNs[i]!;
      const va = b.va[i]!;
      const bytes = b.bytes[i]!;
      if (!Number.isInteger(t) || t < 0 || t >= EXACT) bad(`${name}: t_ns ${t}`);
      if (t < last) bad(`${name}: t_ns ${t} < previous ${last}`);
      last = t;
      if (b.count[i]! < 1) bad(`${name}: count ${b.count[i]}`);
      const needsVa = op !== Op.copy && op !== Op.kernelBegin && op !== Op.kernelEnd && op !== Op.marker && op !== Op.fork;
      const needsBytes = needsVa && op !== Op.free && op !== Op.release;
      if (needsVa && (!Number.isInteger(va) || va < 0 || va >= EXACT)) bad(`${name}: va ${va}`);
      if (needsBytes && (!Number.isInteger(bytes) || bytes <= 0)) bad(`${name}: bytes ${bytes}`);
      if (!Number.isNaN(bytes) && (!Number.isInteger(bytes) || bytes < 0 || (op !== Op.marker && bytes === 0))) bad(`${name}: bytes ${bytes}`);
      if (!Number.isNaN(va) && !Number.isNaN(bytes) && va + bytes > EXACT) bad(`${name}: range ends beyond 2^53`);
      if (op === Op.alloc && kindCount(b.flags[i]!) !== 1) bad(`alloc: ${kindCount(b.flags[i]!)} kinds`);
      if (op === Op.access && (b.access[i] === 0 || b.agent[i] === NO_AGENT)) bad('access: no access kind or agent');
      if (op === Op.advise && b.code[i] === 0) bad('advise: no advice');
      if (op === Op.copy && (b.target[i] === NO_AGENT || (Number.isNaN(bytes) && !(b.flags[i]! & Flag.size_unknown)))) bad('copy: no target, or no bytes without size_unknown');
      if (op === Op.map && b.resource[i] === 0 && !(b.flags[i]! & Flag.null)) bad('map: no resource');
      if (op === Op.marker && b.label[i] === 0) bad('marker: no label');
    }
  }
  return out;
}
