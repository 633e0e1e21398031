// Parts of a service that report their own state in `/healthz` and `/readyz` beside PostgreSQL and
// NATS (the scheduler's fedora-messaging consumer, for one). A part's state is shown,
// not judged: a broker outage is the broker's, and restarting the pod would not mend it.

export interface HealthPartState {
  /** `consuming`, `connecting`, `reconnecting`…: one word an operator can alert on. */
  state: string;
  /** What went wrong last, without credentials. */
  detail?: string;
}

export class HealthParts {
  private readonly parts = new Map<string, () => HealthPartState>();

  register(name: string, read: () => HealthPartState): void {
    this.parts.set(name, read);
  }

  snapshot(): Record<string, HealthPartState> {
    return Object.fromEntries([...this.parts].map(([name, read]) => [name, read()]));
  }
}
