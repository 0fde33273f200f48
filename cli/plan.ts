/**
 * `twinnet plan FILE`: compile a scenario and print its Linux-level plan, as readable
 * text (with the path MTU between every two containers that share a network), as the
 * shell commands that build it (`--format sh`), or as JSON (`--json`).
 */
import { Option, type Command } from 'commander';
import { PATH_MTU_LIST_MAX, pathMtuPairCount, pathMtuSummary, pathMtuTable } from '../core/plan/path-mtu-table.js';
import type { ScenarioModel } from '../core/scenario/model.js';
import type { Plan } from '../core/plan/types.js';
import { renderPlanSh } from '../core/plan/render-sh.js';
import { renderPlanText } from '../core/plan/render-text.js';
import { checkOutputFile, writeOutputFile } from '../reports/output-path.js';
import { requirePlan } from './scenario-input.js';

type Format = 'text' | 'sh' | 'json';
type PathMtuMode = 'auto' | 'all' | 'summary';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('compile a scenario to its Linux-level plan: namespaces, links, addresses, routes, sysctls, rules')
    .argument('<file>', 'scenario file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'sh', 'json']).default('text'))
    .option('--json', 'same as --format json')
    .option('-o, --out <path>', 'write to a file instead of standard output')
    .addOption(
      new Option(
        '--path-mtu <mode>',
        `text: the path MTU of every pair of containers (all), grouped (summary), or all up to ${PATH_MTU_LIST_MAX} pairs and grouped above (auto)`,
      )
        .choices(['auto', 'all', 'summary'])
        .default('auto'),
    )
    .action((file: string, opts: { format: Format; json?: boolean; out?: string; pathMtu: PathMtuMode }) => {
      if (opts.out !== undefined) checkOutputFile(opts.out);
      const { model, plan } = requirePlan(file);
      const format: Format = opts.json === true ? 'json' : opts.format;
      const text =
        format === 'json'
          ? `${JSON.stringify(plan, null, 2)}\n`
          : format === 'sh'
            ? renderPlanSh(plan)
            : renderPlanText(plan, file, pathMtuOf(model, plan, opts.pathMtu));
      if (opts.out === undefined) process.stdout.write(text);
      else writeOutputFile(opts.out, text);
    });
}

/** The full table, or its summary when asked or when it would list more than PATH_MTU_LIST_MAX pairs. */
function pathMtuOf(model: ScenarioModel, plan: Plan, mode: PathMtuMode) {
  const all = mode === 'all' || (mode === 'auto' && pathMtuPairCount(model) <= PATH_MTU_LIST_MAX);
  return all ? pathMtuTable(model, plan) : pathMtuSummary(model, plan);
}
