/**
 * The terminal prompter: inquirer's answers pass through, and its "the user closed the
 * prompt" (Ctrl-C) becomes the loop's PromptInterrupted, not an error the CLI reports
 * as internal (exit 70).
 */
import { describe, expect, it } from 'vitest';
import { PromptInterrupted } from './session.js';
import { terminalPrompter, type InquirerPrompts } from './terminal.js';

/** inquirer's own error, as @inquirer/core throws it on SIGINT. */
class ExitPromptError extends Error {
  override name = 'ExitPromptError';
}

const rejecting = (e: Error): InquirerPrompts => ({ select: () => Promise.reject(e), input: () => Promise.reject(e) });

describe('terminalPrompter', () => {
  it('turns an interrupt in a select or an input into PromptInterrupted', async () => {
    const t = terminalPrompter(rejecting(new ExitPromptError('User force closed the prompt with SIGINT')));
    await expect(t.select('What if...', [{ name: 'quit', value: 'quit' }])).rejects.toBeInstanceOf(PromptInterrupted);
    await expect(t.input('At')).rejects.toBeInstanceOf(PromptInterrupted);
  });

  it('lets other errors through, and passes answers, defaults and checks on', async () => {
    await expect(terminalPrompter(rejecting(new Error('boom'))).input('At')).rejects.toThrow('boom');
    const t = terminalPrompter({
      select: async (c) => c.choices.at(-1)?.value ?? '',
      input: async (c) => `${c.default}:${String(c.validate?.('x'))}:${String(c.validate?.('ok'))}`,
    });
    expect(
      await t.select('Which?', [
        { name: 'a', value: 'a' },
        { name: 'b', value: 'b' },
      ]),
    ).toBe('b');
    expect(await t.input('At', { default: '1s', check: (v) => (v === 'ok' ? undefined : 'not ok') })).toBe(
      '1s:not ok:true',
    );
  });
});
