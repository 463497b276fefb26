import { systemsMessages as msg } from '../log/messages/systems';
import { agentName, OP_CSV_NAMES } from '../trace/event';
import type { DiagnosticLog } from '../log/collector';
import type { Counters } from './counters';
import type { ResultEventLog } from './result-events';

/** What a reporter writes to: the run's counters, result events and warnings. */
interface ReportSinks {
  readonly counters: Counters;
  readonly events: ResultEventLog;
  readonly log: DiagnosticLog;
  readonly traceName: string;
}

/**
 * Reports modelled failures the same way in every system: a result event, the matching counter
 * (`errorEvents`, `oomEvents`) and a warning from src/log/messages/systems.ts. Never throws (decision E).
 * The engine owns one per run (`env.report`) and reports unsupported ops and accesses by devices a system
 * does not serve itself.
 */
export class Reporter {
  /** Rows of ops the system does not model, by op code (→ `extra.unsupportedOps`). */
  unsupportedOps = 0;
  constructor(private readonly env: ReportSinks, readonly system: string) {}

  private where(): { file: string } {
    return { file: this.env.traceName };
  }

  unmapped(tNs: number, agent: number, va: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('fault-error', tNs, agent, va, 'access to an address outside every live allocation');
    this.env.log.add(msg.unmappedAccess(this.where(), this.system, va));
  }

  faultError(tNs: number, agent: number, va: number, reason: string): void {
    this.env.counters.errorEvents++;
    this.env.events.add('fault-error', tNs, agent, va, reason);
  }

  singleDevice(tNs: number, agent: number, va: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('fault-error', tNs, agent, va, `${this.system} models one device`);
    this.env.log.add(msg.singleDevice(this.where(), this.system, agentName(agent)));
  }

  badFree(tNs: number, agent: number, op: number, va: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('fault-error', tNs, agent, va, `${OP_CSV_NAMES[op]} of an address that is not live`);
    this.env.log.add(msg.badFree(this.where(), this.system, OP_CSV_NAMES[op]!, va));
  }

  allocError(tNs: number, agent: number, va: number, bytes: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('alloc-error', tNs, agent, va, 'overlaps a live allocation');
    this.env.log.add(msg.overlappingAlloc(this.where(), this.system, va, bytes));
  }

  /** A managed allocation past what the model tracks (`limitBytes` of live managed memory): refused. */
  allocTooLarge(tNs: number, agent: number, va: number, bytes: number, limitBytes: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('alloc-error', tNs, agent, va, 'larger than the model tracks');
    this.env.log.add(msg.allocTooLarge(this.where(), this.system, va, bytes, limitBytes));
  }

  /** A row that needs one more VA block than the model tracks (`limitBlocks`): a fault-error, the row not replayed. */
  tooManyBlocks(tNs: number, agent: number, va: number, limitBlocks: number): void {
    this.env.counters.errorEvents++;
    this.env.events.add('fault-error', tNs, agent, va, 'past the VA blocks the model tracks');
    this.env.log.add(msg.tooManyBlocks(this.where(), this.system, va, limitBlocks));
  }

  oom(tNs: number, agent: number, va: number, where: 'device' | 'host', bytes: number): void {
    this.env.counters.oomEvents++;
    this.env.events.add('oom', tNs, agent, va, `${where} memory exhausted`);
    this.env.log.add(msg.outOfMemory(this.where(), this.system, where, bytes));
  }

  /** A row touching more bytes than the platform's memory (`limitBytes`, device + host): an oom, not replayed. */
  rowExceedsMemory(tNs: number, agent: number, op: number, va: number, bytes: number, limitBytes: number): void {
    this.env.counters.oomEvents++;
    this.env.events.add('oom', tNs, agent, va, "touches more than the platform's device and host memory");
    this.env.log.add(msg.rowExceedsMemory(this.where(), this.system, OP_CSV_NAMES[op]!, va, bytes, limitBytes));
  }

  unsupported(op: number): void {
    this.unsupportedOps++;
    this.env.log.add(msg.unsupportedOp(this.where(), this.system, OP_CSV_NAMES[op]!));
  }

  /** A prefetch the driver rejects (no live allocation at its address): a warning only, no result event. */
  rejectedPrefetch(va: number): void {
    this.env.log.add(msg.rejectedPrefetch(this.where(), this.system, va));
  }

  ignoredAdvice(advice: string): void {
    this.env.log.add(msg.ignoredAdvice(this.where(), this.system, advice));
  }

  copySizeUnknown(): void {
    this.env.log.add(msg.copySizeUnknown(this.where(), this.system));
  }
}
