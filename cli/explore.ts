/**
 * `twinnet explore FILE`: interactive what-if on the simulator. Each change (a cable
 * down, an impairment, a container leaving a network, a new probe) is added to the
 * scenario's timeline and the scenario runs again at once, showing which probes moved;
 * the result can be saved as a scenario file. The questions are @inquirer/prompts'; an
 * interrupt (Ctrl-C) ends the loop like quit (asking first when changes are unsaved), exit 0.
 */
import { readFileSync } from 'node:fs';
import { input, select } from '@inquirer/prompts';
import type { Command } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './errors.js';
import { exploreSession } from './explore/session.js';
import { terminalPrompter } from './explore/terminal.js';
import { runLoaded } from './explore/what-if.js';
import { requirePlan } from './scenario-input.js';

const terminal = terminalPrompter({ select, input });

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description(
      'what if? change a scenario step by step (a cable down, more delay, a container leaving, a new probe) and see in the simulator which probes move',
    )
    .argument('<file>', 'scenario file')
    .action(async (file: string) => {
      if (!process.stdin.isTTY)
        throw new CliError('twinnet explore asks questions: run it in a terminal', EXIT_BAD_INPUT);
      const { model, plan } = requirePlan(file);
      await exploreSession(readFileSync(file, 'utf8'), file, terminal, process.stdout, runLoaded(model, plan));
    });
}
