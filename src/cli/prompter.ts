// Prompts behind an interface (gh's prompter): the interactive flow asks
// through this, tests can answer it, and @inquirer/prompts is only loaded
// when a prompt is really shown.
import { CancelledError } from '../core/errors.js';
import type { IO } from './io.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  select<T>(message: string, choices: Array<Choice<T>>, defaultValue?: T): Promise<T>;
  input(message: string, defaultValue?: string, validate?: (v: string) => true | string): Promise<string>;
  secret(message: string): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/** Prompt only when a person can answer: stdin and stdout both TTYs. */
export function canPrompt(io: IO): boolean {
  return io.stdinIsTTY && io.stdoutIsTTY;
}

export function inquirerPrompter(): Prompter {
  const load = () => import('@inquirer/prompts');
  const guard = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      // Ctrl-C or a closed stdin inside a prompt.
      if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) throw new CancelledError();
      throw err;
    }
  };
  return {
    async select(message, choices, defaultValue) {
      const { select } = await load();
      return guard(select({ message, choices, default: defaultValue, pageSize: 10 }));
    },
    async input(message, defaultValue, validate) {
      const { input } = await load();
      return guard(input({ message, default: defaultValue, validate }));
    },
    async secret(message) {
      const { password } = await load();
      return guard(password({ message, mask: '*' }));
    },
    async confirm(message, defaultValue) {
      const { confirm } = await load();
      return guard(confirm({ message, default: defaultValue }));
    },
  };
}
