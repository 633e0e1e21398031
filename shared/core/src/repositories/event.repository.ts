import type { Sql } from '../db/sql.js';
import { projectJson } from './step-targets.sql.js';
import type { EventSummary, Page, ProjectView } from './views.types.js';

const eventJson = `json_build_object('id', e.id::text, 'source', e.source, 'type', e.type, 'deliveryId', e.delivery_id,
  'actor', e.actor, 'disposition', e.disposition, 'reason', e.reason, 'receivedAt', e.received_at, 'commitSha', c.sha)`;

/** Event queries (use cases 7 and 9), each one SQL statement. */
export class EventRepository {
  constructor(private readonly sql: Sql) {}

  /** Use case 7: a project's events, newest first, keyset-paginated by id. */
  async listForProject(
    projectId: string,
    options: { before?: string; limit?: number } = {},
  ): Promise<Page<EventSummary>> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const { rows } = await this.sql.query<{ item: EventSummary }>(
      `select ${eventJson} as item
         from shared.events e left join shared.commits c on c.id = e.commit_id
        where e.project_id = $1 and ($2::bigint is null or e.id < $2)
        order by e.id desc
        limit $3`,
      [projectId, options.before ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => r.item);
    return { items, next: rows.length > limit ? items[items.length - 1].id : null };
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
