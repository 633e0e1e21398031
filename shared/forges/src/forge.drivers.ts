// Every forge driver packflow has, and the one a webhook body belongs to when nobody
// says (`packflow plan --event payload.json`).
import { ValidationError } from '@packflow/base';
import type { ForgeDriver } from './forge.types.js';
import { githubDriver } from './github/github.driver.js';
import { gitlabDriver } from './gitlab/gitlab.driver.js';
import { pagureDriver } from './pagure/pagure.driver.js';

export const FORGE_DRIVERS: readonly ForgeDriver[] = [githubDriver, gitlabDriver, pagureDriver];

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
    // GitLab's event names are `… Hook`; Pagure's are bus topics; GitHub's are snake_case words.
    const driver = /\sHook$/.test(given)
      ? gitlabDriver
      : /\.(pagure\.|git\.receive$)/.test(given)
        ? pagureDriver
        : githubDriver;
    return { driver, eventName: given };
  }
  for (const driver of FORGE_DRIVERS) {
    const inferred = driver.inferEventName(payload);
    if (inferred) return { driver, eventName: inferred };
  }
  throw new ValidationError(
    'cannot tell which webhook this body is; pass its X-GitHub-Event or X-Gitlab-Event value, or a Pagure message topic (--event-type)',
    { field: 'event-type' },
  );
}
