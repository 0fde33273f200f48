/**
 * The what-if loop of `twinnet explore`: show the scenario's run, ask for one change at
 * a time (a cable down, an impairment, a container leaving a network, a new probe), run
 * again at once and say which probes moved, until the user saves or quits. The
 * questions go through a Prompter, so the loop runs the same under a terminal
 * (@inquirer/prompts) and under a test's script.
 */
import { writeFileSync } from 'node:fs';
import { parseDuration } from '../../core/units.js';
import { renderProbeTable } from '../../reports/probe-table.js';
import { choicesOf, outcomeChanges, runScenarioText, withWhatIfs, type Outcome, type WhatIf } from './what-if.js';

export interface Choice<T extends string> {
  readonly name: string;
  readonly value: T;
}

/** The questions the loop asks. */
export interface Prompter {
  select<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T>;
  /** Free text; `check` returns an error message or undefined. */
  input(message: string, opts?: { default?: string; check?: (v: string) => string | undefined }): Promise<string>;
}

type Action = 'cable' | 'impair' | 'leave' | 'probe' | 'undo' | 'show' | 'save' | 'quit';

const ACTIONS: readonly Choice<Action>[] = [
  { name: 'a cable, link or segment goes down (and maybe comes back)', value: 'cable' },
  { name: 'a link or segment gets slower or lossier', value: 'impair' },
  { name: 'a container leaves a network', value: 'leave' },
  { name: 'a new probe (ping, tcp, udp, path MTU)', value: 'probe' },
  { name: 'undo the last change', value: 'undo' },
  { name: 'show the changes as YAML', value: 'show' },
  { name: 'save the scenario with the changes', value: 'save' },
  { name: 'quit', value: 'quit' },
];

const checkDuration = (v: string) => (parseDuration(v) === undefined ? 'a duration such as 1.5s or 300ms' : undefined);
const checkOptionalDuration = (v: string) => (v === '' ? undefined : checkDuration(v));
const checkPort = (v: string) => (/^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'a port from 1 to 65535');

/** Runs the loop on a scenario's text until quit; returns the changes in force at the end. */
export async function exploreSession(text: string, file: string, ask: Prompter, out: NodeJS.WritableStream): Promise<WhatIf[]> {
  const base = runScenarioText(text, file);
  if (!base.ok) throw new Error(`the scenario does not run:\n${base.errors.join('\n')}`);
  out.write(`twinnet explore ${file}: scenario ${base.obs.scenario} as written\n\n${renderProbeTable(base.obs, base.verdicts)}\n`);
  const changes: WhatIf[] = [];
  for (;;) {
    const action = await ask.select('What if...', ACTIONS);
    if (action === 'quit') return changes;
    if (action === 'show') {
      out.write(changes.length === 0 ? 'no changes yet\n' : `${changes.map((c) => `# ${c.label}\n${JSON.stringify(c.entry)}`).join('\n')}\n`);
      continue;
    }
    if (action === 'save') {
      const path = await ask.input('Save to', { default: file.replace(/(\.ya?ml)?$/, '-what-if.yaml') });
      writeFileSync(path, withWhatIfs(text, changes));
      out.write(`written to ${path}\n`);
      continue;
    }
    if (action === 'undo') {
      const gone = changes.pop();
      out.write(gone === undefined ? 'nothing to undo\n' : `undone: ${gone.label}\n`);
      report(runScenarioText(withWhatIfs(text, changes), file), base, out);
      continue;
    }
    const made = await askChange(action, base, ask);
    const next = runScenarioText(withWhatIfs(text, [...changes, ...made]), file);
    if (!next.ok) {
      out.write(`not applied, the scenario would not be valid:\n${next.errors.join('\n')}\n`);
      continue;
    }
    changes.push(...made);
    for (const m of made) out.write(`applied: ${m.label}\n`);
    report(next, base, out);
  }
}

/** The run with the changes in force, and which probes moved against the file as written. */
function report(now: Outcome, base: Extract<Outcome, { ok: true }>, out: NodeJS.WritableStream): void {
  if (!now.ok) return void out.write(`${now.errors.join('\n')}\n`);
  const moved = outcomeChanges(base.obs, now.obs, base.verdicts, now.verdicts);
  out.write(`\n${renderProbeTable(now.obs, now.verdicts)}\n${moved.length === 0 ? 'no probe moved against the file as written' : `against the file as written:\n${moved.map((l) => `  ${l}`).join('\n')}`}\n\n`);
}

async function askChange(action: Exclude<Action, 'undo' | 'show' | 'save' | 'quit'>, base: Extract<Outcome, { ok: true }>, ask: Prompter): Promise<WhatIf[]> {
  const c = choicesOf(base.model);
  const pick = (xs: readonly string[]) => xs.map((x) => ({ name: x, value: x }));
  switch (action) {
    case 'cable': {
      const target = await ask.select('Which one goes down?', pick(c.cables));
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      const back = await ask.input('Back up at (empty: stays down)', { default: '', check: checkOptionalDuration });
      const down: WhatIf = { label: `${target} goes down at ${at}`, entry: { at, 'link-down': target } };
      return back === '' ? [down] : [down, { label: `${target} comes back at ${back}`, entry: { at: back, 'link-up': target } }];
    }
    case 'impair': {
      const target = await ask.select('Which link or segment?', pick(c.media));
      const at = await ask.input('From', { default: '1s', check: checkDuration });
      const delay = await ask.input('One-way delay (empty: unchanged)', { default: '', check: checkOptionalDuration });
      const loss = await ask.input('Loss, such as 5% (empty: unchanged)', { default: '', check: (v) => (v === '' || /^[0-9]+(\.[0-9]+)?%$/.test(v) ? undefined : 'a percentage such as 5% or 0.5%') });
      const fields = { ...(delay !== '' && { delay }), ...(loss !== '' && { loss }) };
      if (Object.keys(fields).length === 0) return [];
      return [{ label: `${target} gets ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(', ')} from ${at}`, entry: { at, impair: { target, ...fields } } }];
    }
    case 'leave': {
      const container = await ask.select('Which container?', pick(c.memberships.map((m) => m.container)));
      const network = await ask.select('Leaves which network?', pick(c.memberships.find((m) => m.container === container)?.networks ?? []));
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      return [{ label: `${container} leaves ${network} at ${at}`, entry: { at, disconnect: { container, network } } }];
    }
    case 'probe': {
      const kind = await ask.select('Which probe?', pick(['ping', 'tcp', 'udp', 'pmtu']));
      const from = await ask.select('From', pick(c.endpoints));
      const to = await ask.input('To (a host, a container or an address)', { check: (v) => (v.trim() === '' ? 'a name or an address' : undefined) });
      const port = kind === 'tcp' || kind === 'udp' ? Number(await ask.input('Port', { check: checkPort })) : undefined;
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      const name = `what-if-${kind}-${from}-${to}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
      return [{ label: `${kind} from ${from} to ${to}${port === undefined ? '' : ` port ${port}`} at ${at}`, entry: { at, name, [kind]: { from, to: to.trim(), ...(port !== undefined && { port }) } } }];
    }
  }
}
