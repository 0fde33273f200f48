/**
 * The what-if loop driven by a script instead of a terminal: each answer is taken in
 * order (`^C` stands for an interrupt), and what the loop prints and returns is
 * checked. The scenarios are bundled scenario 05 (a client, a router, a server; a 5 ms
 * uplink) and 13 (an overlay across two Docker hosts).
 */
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../core/plan/load-plan.js';
import { tempDirs } from '../../test/helpers/tmp.js';
import { exploreSession, PromptInterrupted, type Prompter } from './session.js';
import { withWhatIfs } from './what-if.js';

const FILE = join(import.meta.dirname, '../../scenarios/05-routed-underlay.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const OVERLAY = join(import.meta.dirname, '../../scenarios/13-overlay-two-hosts.yaml');
const OVERLAY_TEXT = readFileSync(OVERLAY, 'utf8');
const dir = tempDirs()('twinnet-explore-');

/** The interrupt (Ctrl-C) in a script. */
const CTRL_C = '^C';

/** Answers in order; fails the test when the loop asks something the script did not expect, or rejects an answer. */
function script(answers: string[]): Prompter & { asked: string[]; offered: Map<string, string[]> } {
  const asked: string[] = [];
  const offered = new Map<string, string[]>();
  const next = (message: string) => {
    asked.push(message);
    const a = answers.shift();
    if (a === undefined) throw new Error(`unscripted question: ${message}`);
    if (a === CTRL_C) throw new PromptInterrupted();
    return a;
  };
  return {
    asked,
    offered,
    select: async (message, choices) => {
      offered.set(
        message,
        choices.map((x) => x.value),
      );
      const a = next(message);
      const c = choices.find((x) => x.value === a);
      if (c === undefined)
        throw new Error(`"${a}" is not offered for "${message}": ${choices.map((x) => x.value).join(', ')}`);
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
  return { write: (s: string) => ((buf += s), true), text: () => buf } as unknown as NodeJS.WritableStream & {
    text: () => string;
  };
}

describe('twinnet explore', () => {
  it('takes the uplink down and back: the probes during the cut move, and the change is kept', async () => {
    const out = sink();
    const changes = await exploreSession(
      TEXT,
      FILE,
      script(['cable', 'uplink', '900ms', '2.5s', 'quit', 'discard']),
      out,
    );
    expect(changes.map((c) => c.label)).toEqual(['uplink goes down at 900ms', 'uplink comes back at 2.5s']);
    const text = out.text();
    expect(text).toContain('applied: uplink goes down at 900ms');
    expect(text).toMatch(/client-udp-server: delivered -> (dropped|timed-out)/);
    expect(text).toContain('client-pings-server: expectation met -> NOT MET');
    expect(text).toContain('discarded 2 changes');
  });

  it('adds a probe, undoes a change, refuses an invalid one, and saves a file that validates', async () => {
    const out = sink();
    const saved = join(dir, 'what-if.yaml');
    const changes = await exploreSession(
      TEXT,
      FILE,
      script([
        'impair',
        'uplink',
        '1s',
        '40ms',
        '',
        'probe',
        'tcp',
        'client',
        'server',
        '443',
        '1.5s',
        'probe',
        'ping',
        'client',
        'nowhere',
        '1s',
        'undo',
        'save',
        saved,
        'quit',
      ]),
      out,
    );
    expect(changes.map((c) => c.label)).toEqual(['uplink gets delay 40ms from 1s']);
    const text = out.text();
    expect(text).toContain('not applied, the scenario would not be valid');
    // The problem is in the change, not at a line past the end of the user's file.
    expect(text).toContain('in the change "ping from client to nowhere at 1s": error: timeline.ping.to:');
    expect(text).not.toMatch(/05-routed-underlay\.yaml:\d+/);
    expect(text).toContain('undone: tcp from client to server port 443 at 1.5s');
    const r = loadPlan(readFileSync(saved, 'utf8'), saved);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model?.timeline.length).toBe(loadPlan(TEXT, FILE).model!.timeline.length + 1);
  });
});

describe('twinnet explore on an overlay', () => {
  it('lets a container leave its network while later probes name it: they run, aimed at its old address, and show the new outcome', async () => {
    const out = sink();
    const saved = join(dir, 'leave.yaml');
    const changes = await exploreSession(
      OVERLAY_TEXT,
      OVERLAY,
      script(['leave', 'web', 'ov1', '1.25s', 'save', saved, 'quit']),
      out,
    );
    const text = out.text();
    expect(text).not.toContain('not applied');
    expect(changes.map((c) => c.label)).toEqual([
      'web leaves ov1 at 1.25s (5 later probes aim at its old address 10.0.1.2)',
    ]);
    expect(text).toMatch(/c1-tcp-web: delivered -> (unreachable|dropped|timed-out)/);
    expect(text).toContain('c1-tcp-web: expectation met -> NOT MET');
    // The probe before the change is as it was.
    expect(text).not.toContain('c1-pings-web-across-hosts:');
    const r = loadPlan(readFileSync(saved, 'utf8'), saved);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(readFileSync(saved, 'utf8')).toContain('tcp: { from: c1, to: 10.0.1.2, port: 80 }');
  });

  it('offers only the networks a container can leave (not docker_gwbridge), and container interfaces as cables', async () => {
    const out = sink();
    const ask = script(['leave', 'web', 'ov1', '5s', 'cable', 'c1:eth0', '1s', '', 'quit', 'discard']);
    const changes = await exploreSession(OVERLAY_TEXT, OVERLAY, ask, out);
    expect(ask.offered.get('Leaves which network?')).toEqual(['ov1']);
    expect(ask.offered.get('Which one goes down?')).toEqual([
      'dc',
      'host1:eth0',
      'host2:eth0',
      'ext:eth0',
      'web:eth0',
      'web:eth1',
      'c1:eth0',
      'c1:eth1',
      'c2:eth0',
      'c2:eth1',
    ]);
    expect(changes.map((c) => c.label)).toEqual(['web leaves ov1 at 5s', 'c1:eth0 goes down at 1s']);
    expect(out.text()).toContain('c1-pings-web-across-hosts: expectation met -> NOT MET');
  });
});

describe('twinnet explore, quitting', () => {
  it('quits at once when nothing was changed, and on an interrupt ends the loop without an error', async () => {
    const q = script(['quit']);
    expect(await exploreSession(TEXT, FILE, q, sink())).toEqual([]);
    expect(q.asked).toEqual(['What if...']);
    const out = sink();
    const i = script([CTRL_C]);
    expect(await exploreSession(TEXT, FILE, i, out)).toEqual([]);
    expect(i.asked).toEqual(['What if...']);
    expect(out.text()).toContain('interrupted');
  });

  it('asks before quitting with unsaved changes: back to exploring, save, and nothing asked once saved', async () => {
    const saved = join(dir, 'quit-save.yaml');
    const ask = script(['cable', 'uplink', '1s', '', 'quit', 'back', 'quit', 'save', saved]);
    const changes = await exploreSession(TEXT, FILE, ask, sink());
    expect(changes).toHaveLength(1);
    expect(ask.asked.filter((m) => m.startsWith('The changes are not saved'))).toHaveLength(2);
    expect(readFileSync(saved, 'utf8')).toContain('{ at: 1s, link-down: uplink }');
    const again = script(['cable', 'uplink', '1s', '', 'save', join(dir, 'x.yaml'), 'quit']);
    await exploreSession(TEXT, FILE, again, sink());
    expect(again.asked.at(-1)).toBe('What if...');
  });

  it('saves over a planted symbolic link without following it, and a save that cannot be written keeps the session', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const link = join(dir, 'planted.yaml');
    symlinkSync(victim, link);
    const out = sink();
    const ask = script(['cable', 'uplink', '1s', '', 'save', join(dir, 'missing', 'x.yaml'), 'quit', 'save', link]);
    const changes = await exploreSession(TEXT, FILE, ask, out);
    expect(out.text()).toContain(`not saved: output ${join(dir, 'missing', 'x.yaml')}: the folder`);
    expect(changes).toHaveLength(1);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toContain('{ at: 1s, link-down: uplink }');
  });

  it('asks on an interrupt with unsaved changes, in the middle of a question too; a second interrupt quits without saving and says so', async () => {
    const saved = join(dir, 'interrupt-save.yaml');
    const ask = script(['impair', 'uplink', '1s', '40ms', '', 'probe', 'tcp', CTRL_C, 'save', saved]);
    const changes = await exploreSession(TEXT, FILE, ask, sink());
    expect(changes.map((c) => c.label)).toEqual(['uplink gets delay 40ms from 1s']);
    expect(readFileSync(saved, 'utf8')).toContain('impair: { target: uplink, delay: 40ms }');
    const out = sink();
    const twice = script(['cable', 'uplink', '1s', '', CTRL_C, CTRL_C]);
    await exploreSession(TEXT, FILE, twice, out);
    expect(out.text()).toContain('interrupted again: quit without saving 1 change');
    const discarded = sink();
    const discard = script(['cable', 'uplink', '1s', '', CTRL_C, 'discard']);
    expect(await exploreSession(TEXT, FILE, discard, discarded)).toHaveLength(1);
    expect(discarded.text()).toContain('discarded 1 change\n');
  });
});

describe('withWhatIfs', () => {
  it("appends entries to the timeline and keeps the file's comments", () => {
    const out = withWhatIfs(TEXT, [{ label: 'x', entry: { at: '3s', 'link-down': 'uplink' } }]);
    expect(out).toContain('# Plain Linux hosts on two underlay segments');
    expect(out.trimEnd().split('\n').at(-1)).toBe('  - { at: 3s, link-down: uplink }');
  });

  it('makes a timeline when the file has none', () => {
    expect(withWhatIfs('version: 1\n', [{ label: 'x', entry: { at: '1s', 'link-down': 'lan' } }])).toBe(
      'version: 1\ntimeline:\n  - { at: 1s, link-down: lan }\n',
    );
  });
});
