/**
 * The what-if loop of `twinnet explore`: show the scenario's run, ask for one change at
 * a time (a cable down, an impairment, a container leaving a network, a new probe), run
 * again at once and say which probes moved, until the user saves or quits. Quitting,
 * or an interrupt (Ctrl-C), with changes not yet saved asks whether to save them. The
 * questions go through a Prompter, so the loop runs the same under a terminal
 * (@inquirer/prompts) and under a test's script.
 */
import { parseDuration } from '../../core/units.js';
import { renderProbeTable } from '../../reports/probe-table.js';
import { OutputPathError, writeOutputFile } from '../../reports/output-path.js';
import {
  choicesOf,
  leaveChange,
  outcomeChanges,
  runScenarioText,
  runWhatIfs,
  withWhatIfs,
  type Outcome,
  type WhatIf,
} from './what-if.js';

export interface Choice<T extends string> {
  readonly name: string;
  readonly value: T;
}

/** The questions the loop asks. Either rejects with PromptInterrupted when the user interrupts (Ctrl-C). */
export interface Prompter {
  select<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T>;
  /** Free text; `check` returns an error message or undefined. */
  input(message: string, opts?: { default?: string; check?: (v: string) => string | undefined }): Promise<string>;
}

/** The user interrupted a question (Ctrl-C, or the terminal closed): leave the loop, not the program with an error. */
export class PromptInterrupted extends Error {
  override readonly name = 'PromptInterrupted';
  constructor() {
    super('interrupted');
  }
}

type Unsaved = 'save' | 'discard' | 'back';

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
const checkPort = (v: string) =>
  /^[0-9]+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : 'a port from 1 to 65535';

/**
 * Runs the loop on a scenario's text until quit; returns the changes in force at the end.
 * `base` is the file as written, run once (given when the caller has loaded it already).
 */
export async function exploreSession(
  text: string,
  file: string,
  ask: Prompter,
  out: NodeJS.WritableStream,
  base: Outcome = runScenarioText(text, file),
): Promise<WhatIf[]> {
  if (!base.ok) throw new Error(`the scenario does not run:\n${base.errors.join('\n')}`);
  out.write(
    `twinnet explore ${file}: scenario ${base.obs.scenario} as written\n\n${renderProbeTable(base.obs, base.verdicts)}\n`,
  );
  const changes: WhatIf[] = [];
  /** The changes as last saved: what is on disk, to tell whether quitting loses anything. */
  let saved: readonly WhatIf[] = [];
  /** Saves the changes; a path that cannot be written is said and the session goes on (false). */
  const save = async (): Promise<boolean> => {
    const path = await ask.input('Save to', { default: file.replace(/(\.ya?ml)?$/, '-what-if.yaml') });
    try {
      // As every output twinnet writes: a symbolic link planted at the path is replaced, never followed.
      writeOutputFile(path, withWhatIfs(text, changes));
    } catch (e) {
      if (!(e instanceof OutputPathError)) throw e;
      out.write(`not saved: ${e.message}\n`);
      return false;
    }
    saved = [...changes];
    out.write(`written to ${path}\n`);
    return true;
  };
  for (;;) {
    try {
      const action = await ask.select('What if...', ACTIONS);
      if (action === 'quit') {
        if (await mayQuit(changes, saved, save, ask, out)) return changes;
        continue;
      }
      if (action === 'show') {
        out.write(changes.length === 0 ? 'no changes yet\n' : `${changes.map(showChange).join('\n')}\n`);
        continue;
      }
      if (action === 'save') {
        await save();
        continue;
      }
      if (action === 'undo') {
        const gone = changes.pop();
        out.write(gone === undefined ? 'nothing to undo\n' : `undone: ${gone.label}\n`);
        report(runWhatIfs(text, file, changes), base, out);
        continue;
      }
      const made = await askChange(action, base, ask, (leave) => leaveChange(text, file, changes, leave));
      const next = runWhatIfs(text, file, [...changes, ...made]);
      if (!next.ok) {
        out.write(`not applied, the scenario would not be valid:\n${next.errors.join('\n')}\n`);
        continue;
      }
      changes.push(...made);
      for (const m of made) out.write(`applied: ${m.label}\n`);
      report(next, base, out);
    } catch (e) {
      if (!(e instanceof PromptInterrupted)) throw e;
      out.write('\ninterrupted\n');
      if (await mayQuitInterrupted(changes, saved, save, ask, out)) return changes;
    }
  }
}

/** A change as its comment, its timeline entry and the file's entries it edits. */
function showChange(c: WhatIf): string {
  const edits = (c.edits ?? []).map(
    (e) =>
      `\n# and ${e.path
        .map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`))
        .join('')
        .replace(/^\./, '')}: ${JSON.stringify(e.value)}`,
  );
  return `# ${c.label}\n${JSON.stringify(c.entry)}${edits.join('')}`;
}

/** Whether the changes differ from those last saved (or, never saved, whether there are any). */
function unsaved(changes: readonly WhatIf[], saved: readonly WhatIf[]): boolean {
  return changes.length !== saved.length || changes.some((c, i) => c !== saved[i]);
}

/** Quit: at once when nothing is unsaved, else after the user saves or discards; false to keep exploring. */
async function mayQuit(
  changes: readonly WhatIf[],
  saved: readonly WhatIf[],
  save: () => Promise<boolean>,
  ask: Prompter,
  out: NodeJS.WritableStream,
): Promise<boolean> {
  if (!unsaved(changes, saved)) return true;
  const n = changes.length;
  const what = await ask.select<Unsaved>(
    `The changes are not saved (${n} in force${saved.length > 0 ? ', a different set saved before' : ''}). Quit and...`,
    [
      { name: 'save them first', value: 'save' },
      { name: 'discard them', value: 'discard' },
      { name: 'go back to exploring', value: 'back' },
    ],
  );
  if (what === 'back') return false;
  // A save that failed keeps the session, so nothing is lost.
  if (what === 'save') return await save();
  out.write(`discarded ${n} change${n === 1 ? '' : 's'}\n`);
  return true;
}

/** After an interrupt: the same question as quit; a second interrupt while asking quits without saving, and says so. */
async function mayQuitInterrupted(
  changes: readonly WhatIf[],
  saved: readonly WhatIf[],
  save: () => Promise<boolean>,
  ask: Prompter,
  out: NodeJS.WritableStream,
): Promise<boolean> {
  try {
    return await mayQuit(changes, saved, save, ask, out);
  } catch (e) {
    if (!(e instanceof PromptInterrupted)) throw e;
    out.write(`\ninterrupted again: quit without saving ${changes.length} change${changes.length === 1 ? '' : 's'}\n`);
    return true;
  }
}

/** The run with the changes in force, and which probes moved against the file as written. */
function report(now: Outcome, base: Extract<Outcome, { ok: true }>, out: NodeJS.WritableStream): void {
  if (!now.ok) return void out.write(`${now.errors.join('\n')}\n`);
  const moved = outcomeChanges(base.obs, now.obs, base.verdicts, now.verdicts);
  out.write(
    `\n${renderProbeTable(now.obs, now.verdicts)}\n${moved.length === 0 ? 'no probe moved against the file as written' : `against the file as written:\n${moved.map((l) => `  ${l}`).join('\n')}`}\n\n`,
  );
}

type Leave = (leave: { container: string; network: string; at: string }) => WhatIf;

async function askChange(
  action: Exclude<Action, 'undo' | 'show' | 'save' | 'quit'>,
  base: Extract<Outcome, { ok: true }>,
  ask: Prompter,
  leave: Leave,
): Promise<WhatIf[]> {
  const c = choicesOf(base.model);
  const pick = (xs: readonly string[]) => xs.map((x) => ({ name: x, value: x }));
  switch (action) {
    case 'cable': {
      const target = await ask.select('Which one goes down?', pick(c.cables));
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      const back = await ask.input('Back up at (empty: stays down)', { default: '', check: checkOptionalDuration });
      const down: WhatIf = { label: `${target} goes down at ${at}`, entry: { at, 'link-down': target } };
      return back === ''
        ? [down]
        : [down, { label: `${target} comes back at ${back}`, entry: { at: back, 'link-up': target } }];
    }
    case 'impair': {
      const target = await ask.select('Which link or segment?', pick(c.media));
      const at = await ask.input('From', { default: '1s', check: checkDuration });
      const delay = await ask.input('One-way delay (empty: unchanged)', { default: '', check: checkOptionalDuration });
      const loss = await ask.input('Loss, such as 5% (empty: unchanged)', {
        default: '',
        check: (v) => (v === '' || /^[0-9]+(\.[0-9]+)?%$/.test(v) ? undefined : 'a percentage such as 5% or 0.5%'),
      });
      const fields = { ...(delay !== '' && { delay }), ...(loss !== '' && { loss }) };
      if (Object.keys(fields).length === 0) return [];
      return [
        {
          label: `${target} gets ${Object.entries(fields)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} from ${at}`,
          entry: { at, impair: { target, ...fields } },
        },
      ];
    }
    case 'leave': {
      const container = await ask.select('Which container?', pick(c.memberships.map((m) => m.container)));
      const network = await ask.select(
        'Leaves which network?',
        pick(c.memberships.find((m) => m.container === container)?.networks ?? []),
      );
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      return [leave({ container, network, at })];
    }
    case 'probe': {
      const kind = await ask.select('Which probe?', pick(['ping', 'tcp', 'udp', 'pmtu']));
      const from = await ask.select('From', pick(c.endpoints));
      const to = await ask.input('To (a host, a container or an address)', {
        check: (v) => (v.trim() === '' ? 'a name or an address' : undefined),
      });
      const port = kind === 'tcp' || kind === 'udp' ? Number(await ask.input('Port', { check: checkPort })) : undefined;
      const at = await ask.input('At', { default: '1s', check: checkDuration });
      const name = `what-if-${kind}-${from}-${to}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
      return [
        {
          label: `${kind} from ${from} to ${to}${port === undefined ? '' : ` port ${port}`} at ${at}`,
          entry: { at, name, [kind]: { from, to: to.trim(), ...(port !== undefined && { port }) } },
        },
      ];
    }
  }
}
