// The chart's values.schema.json (what `helm install` checks values against) holds for
// the chart's own values.yaml and every example, and refuses the mistakes an operator
// makes: a worker without its durable, an identity-less upstream worker, a secret put
// in plain env, a port out of range, an OAuth app without the public URL of its callback.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '@packflow/testing';

const chart = join(repoRoot(), 'charts/packflow');
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')));
const defaults = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;

function problems(values: unknown): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
}

describe('chart values schema', () => {
  it('accepts the chart values.yaml', () => {
    expect(problems(defaults)).toEqual([]);
  });

  const examples = readdirSync(join(chart, 'examples')).filter((f) => f.endsWith('.yaml'));
  it.each(examples)('accepts examples/%s', (file) => {
    expect(problems(parse(readFileSync(join(chart, 'examples', file), 'utf8')))).toEqual([]);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case reaches into the values as YAML gave them
  type Values = Record<string, any>;
  const broken: Array<[string, (v: Values) => void, RegExp]> = [
    [
      'a worker without its durable',
      (v) => delete v.workers[0].durable,
      /\/workers\/0 must have required property 'durable'/,
    ],
    [
      'an upstream worker without an identity',
      (v) => delete v.workers[0].identitySecret,
      /\/workers\/0 must have required property 'identitySecret'/,
    ],
    [
      'an unknown worker service',
      (v) => (v.workers[0].service = 'upstream'),
      /\/workers\/0\/service must be equal to one of the allowed values/,
    ],
    [
      'a secret in plain env',
      (v) => (v.env.DATABASE_URL = 'postgres://u:p@db/packflow'),
      /\/env property name must be valid/,
    ],
    ['a port out of range', (v) => (v.scheduler.port = 70000), /\/scheduler\/port must be <= 65535/],
    ['an unknown top-level key', (v) => (v.schedular = {}), /must NOT have additional properties/],
    ['a tag written as a number', (v) => (v.image.tag = 1.1), /\/image\/tag must be string/],
    [
      'metrics without the worker port',
      (v) => delete v.metrics.workerPort,
      /\/metrics must have required property 'workerPort'/,
    ],
    [
      'a PodMonitor toggle written as a string',
      (v) => (v.metrics.podMonitor.enabled = 'yes'),
      /\/metrics\/podMonitor\/enabled must be boolean/,
    ],
    [
      'an OAuth client secret in plain env',
      (v) => (v.env.GITHUB_OAUTH_CLIENT_SECRET = 'abc'),
      /\/env property name must be valid/,
    ],
    [
      'an OAuth app without a public URL for its callback',
      (v) => (v.web.auth.github = { clientId: 'Iv1.abc' }),
      /\/web\/auth\/publicUrl must NOT have fewer than 1 characters/,
    ],
    [
      'an OAuth app without its client id',
      (v) => (v.web.auth.gitlab = {}),
      /\/web\/auth\/gitlab must have required property 'clientId'/,
    ],
    [
      'a public URL with a path',
      (v) => (v.web.auth.publicUrl = 'https://packflow.example.org/dashboard'),
      /\/web\/auth\/publicUrl must match pattern/,
    ],
    [
      'a cookie without Secure on a public https URL',
      (v) => Object.assign(v.web.auth, { publicUrl: 'https://packflow.example.org', cookieSecure: false }),
      /\/web\/auth\/publicUrl must match pattern "\^http:\/\/\(localhost/,
    ],
    [
      'a session lifetime of zero',
      (v) => (v.web.auth.sessionTtlSeconds = 0),
      /\/web\/auth\/sessionTtlSeconds must be >= 1/,
    ],
    [
      'sign-in settings on the scheduler',
      (v) => (v.scheduler.auth = {}),
      /\/scheduler must NOT have additional properties/,
    ],
    ['an instance name with a dot', (v) => (v.instance = 'dev.a'), /\/instance must match pattern/],
    ['an instance named like a subject', (v) => (v.instance = 'upstream'), /\/instance must match pattern/],
  ];
  it.each(broken)('refuses %s, naming where', (_what, breakIt, message) => {
    const values = structuredClone(defaults);
    breakIt(values);
    expect(problems(values).join('\n')).toMatch(message);
  });
});

// No helm on CI: the templates are read as text. Every deployment's probes use each
// endpoint for its purpose (readiness: /readyz, liveness: /healthz), on the port where the
// service serves them (the HTTP services' `http`, the workers' `metrics` server).
describe('chart probes', () => {
  const template = (file: string) => readFileSync(join(chart, 'templates', file), 'utf8');
  const probes = (text: string) => ({
    readiness: /readinessProbe:\s*\n\s*httpGet: \{ path: (\S+), port: (\S+) \}/.exec(text)?.slice(1),
    liveness: /livenessProbe:\s*\n\s*httpGet: \{ path: (\S+), port: (\S+) \}/.exec(text)?.slice(1),
  });

  it('workers: readiness on /readyz and liveness on /healthz of their metrics port', () => {
    const workers = template('workers.yaml');
    expect(probes(workers)).toEqual({ readiness: ['/readyz', 'metrics'], liveness: ['/healthz', 'metrics'] });
    expect(workers).toMatch(/- name: metrics\s*\n\s*containerPort: \{\{ \$\.Values\.metrics\.workerPort \}\}/);
    expect(workers).toMatch(
      /- name: WORKER_METRICS_PORT\s*\n\s*value: \{\{ \$\.Values\.metrics\.workerPort \| quote \}\}/,
    );
  });

  it("web: each sign-in value becomes its environment variable; the client secrets come from the web's secret", () => {
    const web = template('http-services.yaml');
    // Every `- name: X` / `value: {{ expression }}` pair of the template, with the `with` block it is in.
    const pairs = [
      ...web.matchAll(/\{\{- with ([.\w$]+) \}\}\s*\n\s*- name: (\w+)\s*\n\s*value: \{\{ ([^}]+) \}\}/g),
    ].map((m) => [m[1], m[2], m[3].trim()]);
    expect(pairs).toEqual([
      ['.publicUrl', 'WEB_PUBLIC_URL', '. | quote'],
      ['.sessionTtlSeconds', 'WEB_SESSION_TTL_SECONDS', '. | quote'],
      ['.github', 'GITHUB_OAUTH_CLIENT_ID', '.clientId | quote'],
      ['.gitlab', 'GITLAB_OAUTH_CLIENT_ID', '.clientId | quote'],
    ]);
    // false is a value of its own (a `with` would drop it).
    expect(web).toMatch(
      /hasKey \. "cookieSecure" \}\}\s*\n\s*- name: WEB_COOKIE_SECURE\s*\n\s*value: \{\{ \.cookieSecure \| quote \}\}/,
    );
    expect(web).toContain('{{- with $cfg.auth }}');
    expect(web).not.toMatch(/OAUTH_CLIENT_SECRET/);
    expect(web).toMatch(/envFrom:[\s\S]*name: \{\{ \$cfg\.secret \}\}/);
  });

  it('scheduler and web: readiness on /readyz and liveness on /healthz of their http port', () => {
    expect(probes(template('http-services.yaml'))).toEqual({
      readiness: ['/readyz', 'http'],
      liveness: ['/healthz', 'http'],
    });
  });
});
