import type { RfcClaim } from '../../analysis/reference';
import type { Cell } from '../../analysis/table-input';
import type { FigureContext } from '../context';
import type { FigureChart } from '../types';

/** A verdict on a claim under the stated assumptions. */
export type Verdict = 'supported' | 'contradicted' | 'depends';

/**
 * One row of the debate table: a quantitative claim of the RFC thread, the experiment that tests it, the
 * result under stated assumptions and the verdict, with the specHash of every run behind it.
 */
export interface DebateRow {
  /** Claim id (datasets/reference/rfc-thread-claims.csv). */
  readonly claim: string;
  readonly statement: string;
  readonly who: string;
  /** How far the attribution was checked (the reference table's `status`). */
  readonly sourcing: string;
  /** What was run. */
  readonly experiment: string;
  /** Assumptions the result depends on (profile placeholders, trace model, unit sizes…). */
  readonly assumptions: string;
  /** The numbers, in one or two sentences. */
  readonly result: string;
  readonly verdict: Verdict;
  /** For `depends`: on what (empty otherwise). */
  readonly dependsOn: string;
  /** specHash of every run behind the verdict. */
  readonly specHashes: readonly string[];
}

/** What a claim experiment returns. */
export interface ClaimResult {
  readonly row: DebateRow;
  /** The runs as rows (each with its specHash): the evidence table. */
  readonly data: ReadonlyArray<Readonly<Record<string, Cell>>>;
  readonly charts: readonly FigureChart[];
}

/** A registered claim experiment. */
export interface ClaimDef {
  /** Must match a `claim` of rfc-thread-claims.csv. */
  readonly id: string;
  /** Short title. */
  readonly title: string;
  compute(ctx: FigureContext, claim: Readonly<RfcClaim>): Promise<ClaimResult>;
}

/** Build a row from the reference claim and the experiment's outcome. */
export function debateRow(
  claim: Readonly<RfcClaim>,
  r: Omit<DebateRow, 'claim' | 'statement' | 'who' | 'sourcing' | 'dependsOn'> & { readonly dependsOn?: string },
): DebateRow {
  return {
    claim: claim.claim,
    statement: claim.statement,
    who: claim.who,
    sourcing: claim.status,
    experiment: r.experiment,
    assumptions: r.assumptions,
    result: r.result,
    verdict: r.verdict,
    dependsOn: r.verdict === 'depends' ? (r.dependsOn ?? '') : '',
    specHashes: [...new Set(r.specHashes)],
  };
}

/** The profile of the debate experiments unless a claim needs another: a current PCIe GPU. */
export const DEBATE_PROFILE = 'a100-pcie4';
