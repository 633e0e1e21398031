import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';

export interface SchedulerConfig extends CommonConfig {
  host: string;
  port: number;
  /** Largest accepted webhook body (GitHub's own maximum by default). */
  bodyLimit: number;
}

export function loadSchedulerConfig(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<SchedulerConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('SCHEDULER_PORT', 8080, { min: 0, max: 65535 }),
    bodyLimit: r.int('WEBHOOK_BODY_LIMIT', 25 * 1024 * 1024, { min: 1024 }),
  });
}
