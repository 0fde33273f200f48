/** `twinnet schema`: print the JSON Schema of the scenario format, for editors. */
import type { Command } from 'commander';
import { scenarioJsonSchema } from '../core/scenario/schema/index.js';
import { writeOutputFile } from '../reports/output-path.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the scenario format (for editor completion and checking)')
    .option('-o, --out <path>', 'write to a file instead of standard output')
    .action((opts: { out?: string }) => {
      const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (opts.out === undefined) process.stdout.write(text);
      else writeOutputFile(opts.out, text);
    });
}
