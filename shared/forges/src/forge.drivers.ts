// Every forge driver packflow has, and the one a webhook body belongs to when nobody
// says (`packflow plan --event payload.json`).
import { ValidationError } from '@packflow/base';
import type { ForgeDriver } from './forge.types.js';
import { githubDriver } from './github/github.driver.js';
import { gitlabDriver } from './gitlab/gitlab.driver.js';

export const FORGE_DRIVERS: readonly ForgeDriver[] = [githubDriver, gitlabDriver];

/**
 * The driver and event name of a webhook body: `eventName` is its `X-GitHub-Event` or
 * `X-Gitlab-Event` header value; without it both are inferred from the body.
 */
export function webhookDriverOf(
  eventName: string | undefined,
  payload: unknown,
): { driver: ForgeDriver; eventName: string } {
  const given = eventName?.trim();
  if (given) {
    // GitLab's event names are `… Hook`; GitHub's are snake_case words.
    return { driver: /\sHook$/.test(given) ? gitlabDriver : githubDriver, eventName: given };
  }
  for (const driver of FORGE_DRIVERS) {
    const inferred = driver.inferEventName(payload);
    if (inferred) return { driver, eventName: inferred };
  }
  throw new ValidationError(
    'cannot tell which webhook this body is; pass its X-GitHub-Event or X-Gitlab-Event value (--event-type)',
    { field: 'event-type' },
  );
}
