/**
 * Writes what a run produced into an output folder: `observations.json` (the
 * Observations, with every probe's decision trace, and under `verdicts` each
 * expectation of the plan with whether it was met and why not) and one pcap file per captured
 * device under `pcap/`. Everything written is a function of the run alone (no wall-clock
 * time, no host names), so the same seed and scenario give byte-identical files. The
 * simulator bounds what a trace keeps (sim/trace-record.ts); a cut trace carries a
 * `traceSummary` of what it left out.
 */
import { join } from 'node:path';
import type { RunResult } from '../core/backend.js';
import type { Observations } from '../core/observations.js';
import type { Plan } from '../core/plan/types.js';
import { runVerdicts, type RunVerdicts } from '../core/verdicts.js';
import { prepareOutputDir, prepareSubDir, writeOutputFile } from './output-path.js';
import { writePcapFile } from './pcap.js';

/** The file name of a device's capture: `NS_DEV.pcap`, with anything odd replaced. */
export function pcapName(ns: string, dev: string): string {
  return `${`${ns}_${dev}`.replace(/[^A-Za-z0-9_.-]/g, '-')}.pcap`;
}

/**
 * Writes observations and captures; returns the observations with capture file names
 * filled in and, given the plan, the verdicts of its expectations.
 */
export function writeRunOutput(dir: string, result: RunResult, plan?: Plan): Observations & { readonly verdicts?: RunVerdicts } {
  // The output folder is checked (and made) first; its files never follow a planted link (output-path.ts).
  prepareOutputDir(dir);
  prepareSubDir(join(dir, 'pcap'));
  const captures = result.captures.map((c) => {
    const file = join('pcap', pcapName(c.ns, c.dev));
    writePcapFile(join(dir, file), c.packets.map((p) => ({ timeNs: p.timeNs, data: p.data })));
    return { ns: c.ns, dev: c.dev, packets: c.packets.length, file };
  });
  const observations = { ...result.observations, captures, ...(plan !== undefined && { verdicts: runVerdicts(plan, result.observations) }) };
  writeOutputFile(join(dir, 'observations.json'), `${JSON.stringify(observations, null, 2)}\n`);
  return observations;
}
