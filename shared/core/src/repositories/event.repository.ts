// Event queries (the design's use cases 7 and 9, and one event for the API), each one SQL statement.
import { prepared, type Sql } from '../db/sql.js';
import { clampLimit, pageOf } from './page.js';
import { projectJson } from './step-targets.sql.js';
import type { EventSummary, EventView, Page, ProjectView } from './views.types.js';

/** An event row as JSON; aliases e (event) and c (its commit, may be null). */
export const eventJson = `json_build_object('id', e.id::text, 'source', e.source, 'type', e.type, 'deliveryId', e.delivery_id,
  'actor', e.actor, 'disposition', e.disposition, 'reason', e.reason, 'receivedAt', e.received_at, 'commitSha', c.sha)`;

export class EventRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Use case 7: a project's events, newest first, keyset-paginated by id (`before` is the
   * previous page's `next`); null when the project does not exist.
   */
  async listForProject(
    projectId: string,
    options: { before?: string; limit?: number } = {},
  ): Promise<Page<EventSummary> | null> {
    const limit = clampLimit(options.limit);
    const { rows } = await this.sql.query<{ found: boolean; item: EventSummary | null }>(
      prepared(
        'pf_project_events',
        `select pr.id is not null as found, x.item
           from (select 1) one
           left join shared.projects pr on pr.id = $1
           left join lateral (
             select e.id, ${eventJson} as item
               from shared.events e left join shared.commits c on c.id = e.commit_id
              where e.project_id = pr.id and ($2::bigint is null or e.id < $2)
              order by e.id desc
              limit $3) x on true
          order by x.id desc`,
        [projectId, options.before ?? null, limit + 1],
      ),
    );
    return pageOf(rows, limit);
  }

  /** One event with its project. */
  async getView(eventId: string): Promise<EventView | null> {
    const { rows } = await this.sql.query<{ item: EventView }>(
      prepared(
        'pf_event_view',
        `select (${eventJson}::jsonb || jsonb_build_object('project',
                  case when pr.id is null then null else ${projectJson('pr')}::jsonb end)) as item
           from shared.events e
           left join shared.commits c on c.id = e.commit_id
           left join shared.projects pr on pr.id = e.project_id
          where e.id = $1`,
        [eventId],
      ),
    );
    return rows[0]?.item ?? null;
  }

  /** Use case 9: the project an event happened on (null for events with none, e.g. unknown builds). */
  async getProject(eventId: string): Promise<ProjectView | null> {
    const { rows } = await this.sql.query<{ item: ProjectView }>(
      `select ${projectJson('pr')} as item
         from shared.events e join shared.projects pr on pr.id = e.project_id
        where e.id = $1`,
      [eventId],
    );
    return rows[0]?.item ?? null;
  }
}
