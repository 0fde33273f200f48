/**
 * What the rule parsers share: the error a line that is not understood raises (with the
 * argument at fault), and a cursor over the arguments that knows iptables' `!` prefix.
 */

/** Why a line is not a command the model understands. */
export class RuleSyntaxError extends Error {
  constructor(
    message: string,
    readonly arg?: string,
  ) {
    super(message);
    this.name = 'RuleSyntaxError';
  }
}

/** Walks the arguments of a rule. */
export class Cursor {
  private i = 0;
  constructor(private readonly args: readonly string[]) {}
  done(): boolean {
    return this.i >= this.args.length;
  }
  peek(): string {
    return this.args[this.i] ?? '';
  }
  next(): string {
    return this.args[this.i++] ?? '';
  }
  bang(): boolean {
    if (this.args[this.i] !== '!') return false;
    this.i++;
    if (this.done()) throw new RuleSyntaxError('"!" must be followed by an option', '!');
    return true;
  }
  /** The value of option `opt`; an error when it is missing. */
  value(opt: string): string {
    // getopt_long takes the next argument as the value whatever it looks like, as iptables does.
    const v = this.args[this.i];
    if (v === undefined) throw new RuleSyntaxError(`${opt} needs a value`, opt);
    this.i++;
    return v;
  }
}
