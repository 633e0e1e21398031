// What planning reads from the environment, once, through the EnvReader of @packflow/core.
import type { EnvReader } from '@packflow/base';

export interface PlanningSettings {
  /** PACKFLOW_RELEASES_FILE: a release table that replaces the one shipped with packflow. */
  releasesFile?: string;
}

export function readPlanningConfig(reader: EnvReader): PlanningSettings {
  return { releasesFile: reader.optional('PACKFLOW_RELEASES_FILE') };
}
