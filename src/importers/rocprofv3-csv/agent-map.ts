import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { agentFromName, CPU, Flag, type FlagName } from '../../trace/event';

/** How a rocprofv3 agent id is imported: the canonical agent and the allocation kind of its memory pools. */
export interface AgentBinding {
  readonly agent: number;
  readonly kind: number;
}

const KINDS: readonly FlagName[] = ['host', 'device', 'managed', 'peer_shared', 'pinned_host'];

/**
 * Parse `agentMap` (`<id>=<agent>[:<kind>]`, comma-separated, e.g. `0=cpu:pinned_host,2=dev0:device`).
 * rocprof numbers CPU and GPU agents in one sequence, so the mapping is explicit; ids not listed become
 * devices `dev0, dev1, …` in ascending id order, kind `device`.
 */
export function parseAgentMap(text: string): Map<number, AgentBinding> {
  const out = new Map<number, AgentBinding>();
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)\s*=\s*(cpu|host|dev\d+)(?::([a-z_]+))?$/.exec(part);
    const kind = m?.[3] ?? (m?.[2] === 'cpu' || m?.[2] === 'host' ? 'pinned_host' : 'device');
    if (!m || !KINDS.includes(kind as FlagName)) {
      fail(cliMessages.badValue({}, 'rocprofv3-csv option agentMap', `<id>=<cpu|devN>[:${KINDS.join('|')}], comma-separated`, part));
    }
    out.set(Number(m![1]), { agent: agentFromName(m![2]!), kind: Flag[kind as FlagName] });
  }
  return out;
}

/** Bind every id in `ids`: mapped ones as given, the rest to the next free device indices. */
export function bindAgents(map: Map<number, AgentBinding>, ids: Iterable<number>): Map<number, AgentBinding> {
  const out = new Map(map);
  const used = new Set([...map.values()].map((b) => b.agent));
  let next = 1;
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    if (out.has(id)) continue;
    while (used.has(next)) next++;
    out.set(id, { agent: next, kind: Flag.device });
    used.add(next);
  }
  return out;
}

export { CPU };
