// packflow's own JSON Schema (draft-07) of a KCIDB v5.0–v5.3 report, written from the
// KCIDB I/O data model. Each string rule carries a `description` in words; the validator
// turns a failed rule into "must be <description>". The conformance suite checks that it
// accepts and rejects the same documents as the official kcidb-io schema.

type Schema = Record<string, unknown>;

/** Any text without NUL characters (KCIDB forbids NUL everywhere). */
const TEXT = '^[^\\0]*$';

const text: Schema = { type: 'string', pattern: TEXT, description: 'text without NUL characters' };
const boolean: Schema = { type: 'boolean' };
const number: Schema = { type: 'number' };
const object: Schema = { type: 'object' };
const dateTime: Schema = { type: 'string', format: 'date-time', description: 'an RFC 3339 date-time with a time zone' };
const uri: Schema = { type: 'string', format: 'uri', description: 'an absolute URI' };
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const listOf = (items: Schema): Schema => ({ type: 'array', items });

/** Fields every KCIDB object has. */
const common = {
  id: ref('id'),
  origin: ref('origin'),
  comment: text,
  misc: object,
  // Metadata of the store that exported the object; accepted and ignored.
  _timestamp: dateTime,
};

const kind = (title: string, required: string[], properties: Record<string, Schema>): Schema => ({
  title,
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

const logFields = { log_url: uri, log_excerpt: { ...text, maxLength: 16384 } };

export const KCIDB_REPORT_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://packflow.dev/schemas/kcidb-report-v5.json',
  title: 'report',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: {
      type: 'object',
      additionalProperties: false,
      required: ['major'],
      properties: {
        major: { type: 'integer', const: 5 },
        minor: { type: 'integer', minimum: 0, maximum: 3 },
      },
    },
    checkouts: listOf(ref('checkout')),
    builds: listOf(ref('build')),
    tests: listOf(ref('test')),
    issues: listOf(ref('issue')),
    incidents: listOf(ref('incident')),
  },
  definitions: {
    origin: {
      type: 'string',
      pattern: '^[a-z0-9_]+$',
      description: 'an origin name of lowercase letters, digits and _',
    },
    id: {
      type: 'string',
      pattern: '^[a-z0-9_]+:[^\\0]*$',
      description: 'an id "<origin>:<local id>" (origin of lowercase letters, digits and _)',
    },
    path: {
      type: 'string',
      pattern: '^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$',
      description: 'a dotted path of letters, digits, _ and - with no empty segment ("" is the root)',
    },
    status: {
      type: 'string',
      enum: ['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'],
    },
    resource: {
      title: 'file',
      type: 'object',
      additionalProperties: false,
      required: ['name', 'url'],
      properties: {
        name: { type: 'string', pattern: '^[^/\\0]+$', description: 'a non-empty file name without /' },
        url: uri,
      },
    },
    checkout: kind('checkout', ['id', 'origin'], {
      ...common,
      tree_name: text,
      git_repository_url: {
        type: 'string',
        format: 'uri',
        pattern: '^https://[^\\0]*$',
        description: 'an https:// URL',
      },
      git_commit_hash: { type: 'string', pattern: '^[0-9a-f]{40}$', description: '40 lowercase hexadecimal digits' },
      git_commit_name: text,
      git_commit_tags: listOf(text),
      git_commit_message: text,
      git_repository_branch: text,
      git_repository_branch_tip: boolean,
      patchset_files: listOf(ref('resource')),
      patchset_hash: {
        type: 'string',
        pattern: '^$|^[0-9a-f]{64}$',
        description: '"" (no patches) or a sha256 of 64 lowercase hexadecimal digits',
      },
      message_id: { type: 'string', format: 'email', description: 'an email Message-ID (local@domain)' },
      start_time: dateTime,
      origin_builds_finish_time: dateTime,
      origin_tests_finish_time: dateTime,
      ...logFields,
      valid: boolean,
    }),
    build: kind('build', ['checkout_id', 'id', 'origin'], {
      ...common,
      checkout_id: ref('id'),
      start_time: dateTime,
      duration: number,
      architecture: { type: 'string', pattern: '^[a-z0-9_]*$', description: 'lowercase letters, digits and _' },
      command: text,
      compiler: text,
      input_files: listOf(ref('resource')),
      output_files: listOf(ref('resource')),
      config_name: text,
      config_url: uri,
      ...logFields,
      status: ref('status'),
    }),
    test: kind('test', ['build_id', 'id', 'origin'], {
      ...common,
      build_id: ref('id'),
      environment: {
        title: 'environment',
        type: 'object',
        additionalProperties: false,
        properties: {
          comment: text,
          compatible: listOf({
            type: 'string',
            pattern: '^[^ \\0]+(,[^ \\0]+)*$',
            description: 'a compatible string: comma-separated words without spaces',
          }),
          misc: object,
        },
      },
      path: ref('path'),
      ...logFields,
      status: ref('status'),
      number: {
        title: 'number',
        type: 'object',
        additionalProperties: false,
        required: ['value'],
        properties: {
          value: number,
          unit: text,
          prefix: { type: 'string', enum: ['metric', 'binary'] },
        },
      },
      start_time: dateTime,
      duration: number,
      input_files: listOf(ref('resource')),
      output_files: listOf(ref('resource')),
    }),
    issue: kind('issue', ['id', 'version', 'origin'], {
      ...common,
      version: { type: 'integer', minimum: 0 },
      report_url: uri,
      report_subject: text,
      culprit: {
        title: 'culprit',
        type: 'object',
        additionalProperties: false,
        properties: { code: boolean, tool: boolean, harness: boolean },
      },
      categories: listOf(ref('path')),
    }),
    incident: kind('incident', ['id', 'origin', 'issue_id', 'issue_version'], {
      ...common,
      issue_id: ref('id'),
      issue_version: { type: 'integer', minimum: 0 },
      build_id: ref('id'),
      test_id: ref('id'),
      present: boolean,
    }),
  },
};
