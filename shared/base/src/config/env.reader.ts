import { ConfigurationError } from '../errors/index.js';

/**
 * Reads typed settings from an environment once. Every problem is collected, so an
 * operator sees all of them at once: `NATS_URL: not a URL (got "x")`. Values of
 * secrets are never repeated in messages.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  private raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  private fail(name: string, what: string, value: string, secret: boolean): void {
    this.problems.push(secret ? `${name}: ${what}` : `${name}: ${what} (got ${JSON.stringify(value)})`);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  /** An optional value `check` accepts (it names what is wrong, or returns undefined). */
  checked(name: string, check: (value: string) => string | undefined): string | undefined {
    const v = this.raw(name);
    const problem = v === undefined ? undefined : check(v);
    if (v === undefined || !problem) return v;
    this.fail(name, problem, v, false);
    return undefined;
  }

  /** A secret: never echoed in errors. */
  secret(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    const { min = -Infinity, max = Infinity } = range;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(
        name,
        `expected a whole number${Number.isFinite(min) ? ` from ${min}` : ''}${Number.isFinite(max) ? ` to ${max}` : ''}`,
        v,
        false,
      );
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.fail(name, 'expected true or false', v, false);
    return fallback;
  }

  url(name: string, fallback: string | undefined, protocols: readonly string[], secret = false): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol.replace(/:$/, ''))) {
        this.fail(name, `expected a ${protocols.join(' or ')} URL`, v, secret);
        return fallback;
      }
      return v;
    } catch {
      this.fail(name, 'not a URL', v, secret);
      return fallback;
    }
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.fail(name, `expected one of ${allowed.join(', ')}`, v, false);
      return fallback;
    }
    return v as T;
  }

  json<T>(name: string, fallback: T, check: (value: unknown) => string | undefined, secret = false): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      this.fail(name, 'not valid JSON', v, secret);
      return fallback;
    }
    const problem = check(parsed);
    if (problem) {
      this.fail(name, problem, v, secret);
      return fallback;
    }
    return parsed as T;
  }

  /** Throws one ConfigurationError listing every problem, or returns the frozen value. */
  done<T extends object>(value: T): Readonly<T> {
    if (this.problems.length > 0) {
      throw new ConfigurationError(`invalid configuration:\n  ${this.problems.join('\n  ')}`);
    }
    return Object.freeze(value);
  }
}
