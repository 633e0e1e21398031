// The instance name (PACKFLOW_INSTANCE): several packflow installations, and benchmarks,
// can share one NATS server. Each one's stream, durable consumers and subjects carry its
// name, so none sees another's messages (@packflow/events builds the subjects).

/**
 * First subject tokens packflow uses without an instance (the ecosystems and `results`):
 * an instance of one of these names would make its subjects overlap the default ones.
 */
export const RESERVED_INSTANCE_NAMES: readonly string[] = ['upstream', 'stream', 'results'];

const INSTANCE_NAME = /^[a-z0-9]([a-z0-9_-]{0,30}[a-z0-9])?$/;

/** What is wrong with an instance name, or undefined when it can be one. */
export function instanceNameProblem(name: string): string | undefined {
  if (!INSTANCE_NAME.test(name))
    return 'expected 1 to 32 lowercase letters, digits, - and _, starting and ending with a letter or digit';
  if (RESERVED_INSTANCE_NAMES.includes(name))
    return `${RESERVED_INSTANCE_NAMES.join(', ')} are subject names of their own and cannot name an instance`;
  return undefined;
}
