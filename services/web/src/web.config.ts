import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';

export interface WebConfig extends CommonConfig {
  host: string;
  port: number;
}

export function loadWebConfig(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<WebConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('WEB_PORT', 8081, { min: 0, max: 65535 }),
  });
}
