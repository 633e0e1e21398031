import { inspect } from 'node:util';

/**
 * A configured secret (webhook secret, token). It never shows in logs, JSON or
 * `util.inspect` output; only `reveal()` gives the value, to the code that checks it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  static optional(value: string | undefined): Secret | null {
    return value ? new Secret(value) : null;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
