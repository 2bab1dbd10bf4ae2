// Where a process's database time went, from the driver's command monitoring (bench/worker-child.ts): per
// command and collection, how many, and how long each took from the driver sending it to the reply. The
// duration includes any wait inside FerretDB (its SQLite writer is one at a time), so "time in flight" far above
// the wall time says commands queue there. The fleet bench uses it to name what a shop's activities wait for.
import { fmt, percentile } from './stats.js';

export interface TimedCommand {
  at: number;
  name: string;
  collection?: string;
  durationMs?: number;
}

export interface CommandGroup {
  key: string;
  count: number;
  totalMs: number;
  meanMs: number;
  p99Ms: number;
}

export interface CommandProfile {
  commands: number;
  totalMs: number;
  /** Mean number of commands in flight over the window (total command time / wall time). */
  meanInFlight: number;
  groups: CommandGroup[];
}

export function profileCommands(commands: TimedCommand[], windowMs: number): CommandProfile {
  const byKey = new Map<string, number[]>();
  for (const c of commands) {
    if (c.durationMs === undefined) continue;
    const key = `${c.name} ${c.collection ?? '-'}`;
    const list = byKey.get(key) ?? [];
    list.push(c.durationMs);
    byKey.set(key, list);
  }
  const groups = [...byKey].map(([key, ds]) => {
    const totalMs = ds.reduce((a, b) => a + b, 0);
    return { key, count: ds.length, totalMs, meanMs: totalMs / ds.length, p99Ms: percentile(ds, 99) };
  });
  groups.sort((a, b) => b.totalMs - a.totalMs);
  const totalMs = groups.reduce((a, g) => a + g.totalMs, 0);
  return { commands: commands.length, totalMs, meanInFlight: windowMs > 0 ? totalMs / windowMs : NaN, groups };
}

export function formatCommandProfile(profile: CommandProfile, top = 8): string {
  const share = (ms: number) => (profile.totalMs > 0 ? `${fmt((100 * ms) / profile.totalMs, 0)} %` : '-');
  return `${profile.commands} commands, ${fmt(profile.totalMs / 1000)} s of command time, ${fmt(profile.meanInFlight, 1)} in flight on average; by command and collection (share of the time, count, mean / p99): ${profile.groups
    .slice(0, top)
    .map((g) => `${g.key} ${share(g.totalMs)}, ×${g.count}, ${fmt(g.meanMs, 0)} / ${fmt(g.p99Ms, 0)} ms`)
    .join('; ')}`;
}

type CommandEvent = { requestId: number; commandName: string; command?: Record<string, unknown>; duration?: number };
interface MonitoredClient {
  on(event: 'commandStarted' | 'commandSucceeded' | 'commandFailed', listener: (event: CommandEvent) => void): unknown;
}

/** Records a client's commands with their start time, collection and duration (its URI needs monitorCommands=true). */
export function recordCommands(client: MonitoredClient): { since(at: number): TimedCommand[] } {
  const commands: TimedCommand[] = [];
  const open = new Map<number, TimedCommand>();
  client.on('commandStarted', (event) => {
    const target = event.command?.[event.commandName];
    const entry: TimedCommand = { at: Date.now(), name: event.commandName, ...(typeof target === 'string' ? { collection: target } : {}) };
    commands.push(entry);
    open.set(event.requestId, entry);
  });
  const finished = (event: CommandEvent) => {
    const entry = open.get(event.requestId);
    open.delete(event.requestId);
    if (entry && typeof event.duration === 'number') entry.durationMs = event.duration;
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
  return { since: (at) => commands.filter((c) => c.at >= at) };
}
