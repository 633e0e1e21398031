import { pointerToken } from '../report/kcidb-report.validator.js';
import { KCIDB_SECTIONS, type KcidbReport, type KcidbViolation } from '../report/kcidb-report.types.js';
import { kcidbForbiddenError } from './kcidb.errors.js';

/**
 * The objects of a (valid) report that a submitter allowed `origins` may not write: those
 * whose `origin`, or the origin part of whose `id`, is not one of them. Parents named by
 * `checkout_id`, `build_id`, … may belong to anyone.
 */
export function foreignObjects(report: KcidbReport, origins: readonly string[]): KcidbViolation[] {
  const allowed = new Set(origins);
  const found: KcidbViolation[] = [];
  for (const section of KCIDB_SECTIONS) {
    for (const [index, object] of (report[section] ?? []).entries()) {
      const idOrigin = object.id.slice(0, object.id.indexOf(':'));
      const pointer = `/${section}/${pointerToken(index)}`;
      if (!allowed.has(object.origin)) {
        found.push({
          pointer,
          message: `${object.id} has origin "${object.origin}", which this token may not submit for`,
        });
      } else if (!allowed.has(idOrigin)) {
        found.push({
          pointer,
          message: `${object.id} has an id of origin "${idOrigin}", which this token may not submit for`,
        });
      }
    }
  }
  return found;
}

/** Refuses the whole report (403) when any object belongs to an origin the submitter may not write. */
export function assertOriginsAllowed(report: KcidbReport, origins: readonly string[]): void {
  const found = foreignObjects(report, origins);
  if (found.length === 0) return;
  const [first] = found;
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
  throw kcidbForbiddenError(
    `${first.pointer}: ${first.message}${more}; this token may submit for ${origins.join(', ')}`,
    found.slice(0, 1000),
  );
}
