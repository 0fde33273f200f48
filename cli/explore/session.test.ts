/**
 * The what-if loop driven by a script instead of a terminal: each answer is taken in
 * order, and what the loop prints and returns is checked. The scenario is bundled
 * scenario 05 (a client, a router, a server; a 5 ms uplink).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../core/scenario/load.js';
import { tempDirs } from '../../test/helpers/tmp.js';
import { exploreSession, type Prompter } from './session.js';
import { withWhatIfs } from './what-if.js';

const FILE = join(import.meta.dirname, '../../scenarios/05-routed-underlay.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const dir = tempDirs()('twinnet-explore-');

/** Answers in order; fails the test when the loop asks something the script did not expect, or rejects an answer. */
function script(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unscripted question: ${message}`);
    return a;
  };
  return {
    asked,
    select: async (message, choices) => {
      const a = next(message);
      const c = choices.find((x) => x.value === a);
      if (c === undefined) throw new Error(`"${a}" is not offered for "${message}": ${choices.map((x) => x.value).join(', ')}`);
      return c.value;
    },
    input: async (message, opts) => {
      const a = next(message);
      const v = a === '' && opts?.default !== undefined ? opts.default : a;
      const err = opts?.check?.(v);
      if (err !== undefined) throw new Error(`"${v}" rejected for "${message}": ${err}`);
      return v;
    },
  };
}

function sink(): NodeJS.WritableStream & { text: () => string } {
  let buf = '';
  return { write: (s: string) => ((buf += s), true), text: () => buf } as unknown as NodeJS.WritableStream & { text: () => string };
}

describe('twinnet explore', () => {
  it('takes the uplink down and back: the probes during the cut move, and the change is kept', async () => {
    const out = sink();
    const changes = await exploreSession(TEXT, FILE, script(['cable', 'uplink', '900ms', '2.5s', 'quit']), out);
    expect(changes.map((c) => c.label)).toEqual(['uplink goes down at 900ms', 'uplink comes back at 2.5s']);
    const text = out.text();
    expect(text).toContain('applied: uplink goes down at 900ms');
    expect(text).toMatch(/client-udp-server: delivered -> (dropped|timed-out)/);
    expect(text).toContain('client-pings-server: expectation met -> NOT MET');
  });

  it('adds a probe, undoes a change, refuses an invalid one, and saves a file that validates', async () => {
    const out = sink();
    const saved = join(dir, 'what-if.yaml');
    const changes = await exploreSession(
      TEXT,
      FILE,
      script(['impair', 'uplink', '1s', '40ms', '', 'probe', 'tcp', 'client', 'server', '443', '1.5s', 'probe', 'ping', 'client', 'nowhere', '1s', 'undo', 'save', saved, 'quit']),
      out,
    );
    expect(changes.map((c) => c.label)).toEqual(['uplink gets delay 40ms from 1s']);
    const text = out.text();
    expect(text).toContain('not applied, the scenario would not be valid');
    expect(text).toContain('undone: tcp from client to server port 443 at 1.5s');
    const r = loadScenarioText(readFileSync(saved, 'utf8'), saved);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model?.timeline.length).toBe(loadScenarioText(TEXT, FILE).model!.timeline.length + 1);
  });
});

describe('withWhatIfs', () => {
  it('appends entries to the timeline and keeps the file\'s comments', () => {
    const out = withWhatIfs(TEXT, [{ label: 'x', entry: { at: '3s', 'link-down': 'uplink' } }]);
    expect(out).toContain('# Plain Linux hosts on two underlay segments');
    expect(out.trimEnd().split('\n').at(-1)).toBe('  - { at: 3s, link-down: uplink }');
  });

  it('makes a timeline when the file has none', () => {
    expect(withWhatIfs('version: 1\n', [{ label: 'x', entry: { at: '1s', 'link-down': 'lan' } }])).toBe('version: 1\ntimeline:\n  - { at: 1s, link-down: lan }\n');
  });
});
