import { fail } from '../../log/diagnostic';
import { figureMessages } from '../../log/messages/figures';
import { FigureContext, type FigureOptions } from '../context';
import type { FigureChart } from '../types';
import { coreMmOversub } from './core-mm-oversub';
import { cowRoundTrip } from './cow';
import { gamesMapping } from './games-mapping';
import { hugePages } from './huge-pages';
import { multiAddressSpace } from './multi-address-space';
import { notifierCallbacks } from './notifiers';
import { svaVsRanges } from './sva';
import type { ClaimDef, ClaimResult, DebateRow } from './types';

/**
 * The registry of RFC-thread claim experiments, in the order of the-debate notebook. Adding one: a file in
 * src/figures/debate/ exporting a `ClaimDef` whose id is a `claim` of datasets/reference/rfc-thread-claims.csv,
 * one line here, a row in docs/figures.md.
 */
export const DEBATE_CLAIMS: readonly ClaimDef[] = [
  coreMmOversub,
  gamesMapping,
  hugePages,
  cowRoundTrip,
  notifierCallbacks,
  svaVsRanges,
  multiAddressSpace,
];

/** Options of `debateVerdicts`. */
export interface DebateOptions extends FigureOptions {
  /** Claim ids to evaluate (default all). */
  readonly only?: readonly string[];
  readonly context?: FigureContext;
  readonly onClaim?: (result: ClaimResult, wallMs: number) => void;
}

/** Everything `debateVerdicts` returns. */
export interface DebateOutcome {
  /** One row per claim: claim, who, experiment, assumptions, result, verdict, dependsOn, specHashes. */
  readonly rows: readonly DebateRow[];
  /** Per claim: its evidence table and charts. */
  readonly results: readonly ClaimResult[];
  readonly charts: ReadonlyArray<FigureChart & { readonly claim: string }>;
  readonly runs: number;
  readonly wallMs: number;
}

/**
 * Evaluate each quantitative claim of the RFC thread with real simulation runs (the-debate notebook). The
 * claim text, attribution and sourcing come from rfc-thread-claims.csv; a claim without an experiment here, or
 * an experiment without a row there, is an error.
 */
export async function debateVerdicts(opts: DebateOptions = {}): Promise<DebateOutcome> {
  const t0 = Date.now();
  const ctx = opts.context ?? new FigureContext(opts);
  const claims = ctx.reference('rfc-thread-claims').rows;
  const defs = opts.only && opts.only.length ? opts.only.map((id) => DEBATE_CLAIMS.find((c) => c.id === id) ?? fail(figureMessages.unknownClaim({}, id, DEBATE_CLAIMS.map((c) => c.id)))) : DEBATE_CLAIMS;
  const results: ClaimResult[] = [];
  for (const def of defs) {
    const claim = claims.find((c) => c.claim === def.id);
    if (!claim) fail(figureMessages.referenceRow({ file: 'datasets/reference/rfc-thread-claims.csv' }, 'rfc-thread-claims', `claim ${def.id}`));
    const t = Date.now();
    const r = await def.compute(ctx, claim);
    results.push(r);
    opts.onClaim?.(r, Date.now() - t);
  }
  return {
    rows: results.map((r) => r.row),
    results,
    charts: results.flatMap((r) => r.charts.map((c) => ({ ...c, claim: r.row.claim }))),
    runs: ctx.runCount,
    wallMs: Date.now() - t0,
  };
}

export type { ClaimDef, ClaimResult, DebateRow, Verdict } from './types';
