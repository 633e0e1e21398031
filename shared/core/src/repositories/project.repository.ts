// Project queries for the API and dashboard: search and one project, each one SQL statement.
import { prepared, type Sql } from '../db/sql.js';
import { projectJson } from './step-targets.sql.js';
import { clampLimit } from './page.js';
import type { Page, ProjectView } from './views.types.js';

export interface ProjectSearch {
  forge?: string;
  /** Case-insensitive substring of the namespace. */
  namespace?: string;
  /** Case-insensitive substring of the repository name. */
  name?: string;
  /** The `next` of the previous page. */
  after?: string;
  limit?: number;
}

/** Escapes LIKE wildcards so a search for `a_b` matches only that text. */
const likeText = (text: string | undefined) => (text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null);

export class ProjectRepository {
  constructor(private readonly sql: Sql) {}

  /** Projects matching every given filter, by id (oldest first), keyset-paginated. */
  async search(query: ProjectSearch = {}): Promise<Page<ProjectView>> {
    const limit = clampLimit(query.limit);
    const { rows } = await this.sql.query<{ item: ProjectView }>(
      prepared(
        'pf_project_search',
        `select ${projectJson('pr')} as item
           from shared.projects pr
          where ($1::text is null or pr.forge = $1)
            and ($2::text is null or pr.namespace ilike $2)
            and ($3::text is null or pr.repo ilike $3)
            and ($4::bigint is null or pr.id > $4)
          order by pr.id
          limit $5`,
        [query.forge ?? null, likeText(query.namespace), likeText(query.name), query.after ?? null, limit + 1],
      ),
    );
    const items = rows.slice(0, limit).map((r) => r.item);
    return { items, next: rows.length > limit ? items[items.length - 1].id : null };
  }

  async get(projectId: string): Promise<ProjectView | null> {
    const { rows } = await this.sql.query<{ item: ProjectView }>(
      prepared('pf_project', `select ${projectJson('pr')} as item from shared.projects pr where pr.id = $1`, [
        projectId,
      ]),
    );
    return rows[0]?.item ?? null;
  }
}
