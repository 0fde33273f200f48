/**
 * The explore loop's questions in a terminal, with @inquirer/prompts. An interrupt
 * (Ctrl-C, or the terminal closing) makes inquirer reject with its ExitPromptError;
 * it becomes the loop's PromptInterrupted, so that the loop can ask about unsaved
 * changes and end cleanly instead of the CLI reporting an internal error.
 */
import type { Choice, Prompter } from './session.js';
import { PromptInterrupted } from './session.js';

/** inquirer's select and input, as far as the loop uses them (injected so that tests can stand in for a terminal). */
export interface InquirerPrompts {
  select(config: { message: string; choices: Choice<string>[]; pageSize: number }): Promise<string>;
  input(config: { message: string; default?: string; validate?: (v: string) => string | boolean }): Promise<string>;
}

/** Smallest and largest number of choices shown at once in a select. */
const PAGE_MIN = 7;
const PAGE_MAX = 15;

/**
 * Whether an error is inquirer's "the user closed the prompt" (by name: the class lives in
 * @inquirer/core, not a direct dependency).
 */
function isExitPrompt(e: unknown): boolean {
  return e instanceof Error && e.name === 'ExitPromptError';
}

async function interruptible<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (isExitPrompt(e)) throw new PromptInterrupted();
    throw e;
  }
}

export function terminalPrompter(prompts: InquirerPrompts): Prompter {
  return {
    select: async <T extends string>(message: string, choices: readonly Choice<T>[]) =>
      (await interruptible(
        prompts.select({
          message,
          choices: [...choices],
          pageSize: Math.min(Math.max(choices.length, PAGE_MIN), PAGE_MAX),
        }),
      )) as T,
    input: (message, opts = {}) =>
      interruptible(
        prompts.input({
          message,
          ...(opts.default !== undefined && { default: opts.default }),
          ...(opts.check && { validate: (v: string) => opts.check?.(v) ?? true }),
        }),
      ),
  };
}
