// Which ecosystem owns a project: rules from config, checked in order, first match wins;
// a project no rule matches belongs to `upstream`. A rule matches on the forge instance
// (host, or URL whose host is compared) and a namespace pattern where `*` is any part of
// one path segment and `**` any number of segments (zero included).
export const ECOSYSTEMS = ['upstream', 'stream'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export interface RoutingRule {
  /** `gitlab.com` or `https://gitlab.com`; omitted: any instance. */
  instance?: string;
  /** `redhat/centos-stream/**`; omitted: any namespace. */
  namespace?: string;
  ecosystem: Ecosystem;
}

/** CentOS Stream's GitLab namespaces belong to `stream`; everything else to `upstream`. */
export const DEFAULT_ROUTING_RULES: readonly RoutingRule[] = Object.freeze([
  { instance: 'gitlab.com', namespace: 'redhat/centos-stream/**', ecosystem: 'stream' },
]);

export const DEFAULT_ECOSYSTEM: Ecosystem = 'upstream';

function hostOf(instance: string): string {
  try {
    return new URL(instance.includes('://') ? instance : `https://${instance}`).host.toLowerCase();
  } catch {
    return instance.toLowerCase();
  }
}

function patternRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length;) {
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 3;
    } else if (pattern.startsWith('/**', i) && i + 3 === pattern.length) {
      source += '(?:/.*)?';
      i += 3;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else if (pattern[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else {
      source += pattern[i].replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  return new RegExp(`^${source}$`);
}

export interface Router {
  readonly rules: readonly RoutingRule[];
  ecosystemOf(target: { instanceUrl: string; namespace: string }): Ecosystem;
}

/** Compiles rules once; `ecosystemOf` is then a few regexp tests. */
export function createRouter(rules: readonly RoutingRule[] = DEFAULT_ROUTING_RULES): Router {
  const compiled = rules.map((rule) => ({
    host: rule.instance ? hostOf(rule.instance) : null,
    namespace: rule.namespace ? patternRegExp(rule.namespace) : null,
    ecosystem: rule.ecosystem,
  }));
  return {
    rules,
    ecosystemOf({ instanceUrl, namespace }) {
      const host = hostOf(instanceUrl);
      for (const rule of compiled) {
        if (rule.host && rule.host !== host) continue;
        if (rule.namespace && !rule.namespace.test(namespace)) continue;
        return rule.ecosystem;
      }
      return DEFAULT_ECOSYSTEM;
    },
  };
}

/** For config readers: a problem with a rules value in words, or undefined when it is valid. */
export function checkRoutingRules(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'expected a JSON array of {instance?, namespace?, ecosystem}';
  for (const [i, rule] of value.entries()) {
    if (!rule || typeof rule !== 'object' || Array.isArray(rule)) return `rule ${i}: expected an object`;
    const { instance, namespace, ecosystem, ...rest } = rule as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length) return `rule ${i}: unknown key ${unknown[0]}`;
    if (!(ECOSYSTEMS as readonly unknown[]).includes(ecosystem))
      return `rule ${i}: ecosystem must be one of ${ECOSYSTEMS.join(', ')}`;
    if (instance !== undefined && (typeof instance !== 'string' || !instance))
      return `rule ${i}: instance must be a non-empty string`;
    if (namespace !== undefined && (typeof namespace !== 'string' || !namespace))
      return `rule ${i}: namespace must be a non-empty string`;
  }
  return undefined;
}
