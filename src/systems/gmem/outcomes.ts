import type { Diagnostic } from '../../log/diagnostic';
import { gmemMessages } from '../../log/messages/gmem';
import { agentName, CPU } from '../../trace/event';
import type { GmemState } from './state';

/*
 * Modelled failures (decision E: trace content never throws). The counter and result event of a fault error
 * are the shared reporter's (`env.report.faultError`, src/sim/reporter.ts); the warnings stay GMEM's own
 * (src/log/messages/gmem.ts: they carry the state-table reason), and so do the OOM, alloc and hmadvise
 * outcomes, whose result-event texts and warnings differ from the reporter's.
 */

export function faultError(g: GmemState, agent: number, va: number, reason: string): void {
  g.env.report.faultError(g.clock.nowNs, agent, va, reason);
  g.env.log.add(gmemMessages.faultError(g.where, agentName(agent), va, reason));
}

export function oom(g: GmemState, where: 'device' | 'host', agent: number, u: number, reason: string): void {
  const va = u * g.U;
  g.cn.oomEvents++;
  g.env.events.add('oom', g.clock.nowNs, agent, va, `${where}: ${reason}`);
  g.env.log.add(gmemMessages.oom(g.where, where, agentName(agent), va, reason));
}

/** An hmadvise call that fails: `hmadvise-error` event plus a warning (the generic one unless `warning` is given). */
export function hmadviseError(g: GmemState, what: string, va: number, reason: string, warning?: Diagnostic): void {
  g.cn.errorEvents++;
  g.env.events.add('hmadvise-error', g.clock.nowNs, CPU, va, reason);
  g.env.log.add(warning ?? gmemMessages.hmadviseError(g.where, what, va, reason));
}

export function allocError(g: GmemState, op: string, va: number, reason: string): void {
  g.cn.errorEvents++;
  g.env.events.add('alloc-error', g.clock.nowNs, CPU, va, reason);
  g.env.log.add(gmemMessages.allocError(g.where, op, va, reason));
}
