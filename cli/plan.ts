/**
 * `twinnet plan FILE`: compile a scenario and print its Linux-level plan, as readable
 * text (with the path MTU between every two containers that share a network), as the
 * shell commands that build it (`--format sh`), or as JSON (`--json`).
 */
import { Option, type Command } from 'commander';
import { compilePlan } from '../core/plan/compile/index.js';
import { pathMtuTable } from '../core/plan/path-mtu-table.js';
import { renderPlanSh } from '../core/plan/render-sh.js';
import { renderPlanText } from '../core/plan/render-text.js';
import { checkOutputFile, writeOutputFile } from '../reports/output-path.js';
import { requireModel } from './scenario-input.js';

type Format = 'text' | 'sh' | 'json';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('compile a scenario to its Linux-level plan: namespaces, links, addresses, routes, sysctls, rules')
    .argument('<file>', 'scenario file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'sh', 'json']).default('text'))
    .option('--json', 'same as --format json')
    .option('-o, --out <path>', 'write to a file instead of standard output')
    .action((file: string, opts: { format: Format; json?: boolean; out?: string }) => {
      if (opts.out !== undefined) checkOutputFile(opts.out);
      const model = requireModel(file);
      const plan = compilePlan(model);
      const format: Format = opts.json === true ? 'json' : opts.format;
      const text = format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : format === 'sh' ? renderPlanSh(plan) : renderPlanText(plan, file, pathMtuTable(model, plan));
      if (opts.out === undefined) process.stdout.write(text);
      else writeOutputFile(opts.out, text);
    });
}
