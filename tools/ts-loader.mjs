// Node module hooks that run packflow's TypeScript sources as they are: each `.ts` module
// is transpiled by swc (type stripping plus the legacy decorators and decorator metadata
// NestJS injection needs) and the output kept on disk under node_modules/.cache, keyed by
// the source's hash. A command starts from cache after its first run (compiled JavaScript
// speed, no build step), and an edited file is transpiled again because its hash changed.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
const SALT = `${swc.version}\0${JSON.stringify(OPTIONS)}`;
const CACHE = fileURLToPath(new URL('../node_modules/.cache/packflow-ts/', import.meta.url));
mkdirSync(CACHE, { recursive: true });

/** `./x.js` written in a `.ts` module means `./x.ts` (TypeScript's NodeNext convention). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && specifier.endsWith('.js') && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    try {
      return await next(`${specifier.slice(0, -3)}.ts`, context);
    } catch {
      // a real .js file
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(SALT).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = `${CACHE}${key}.js`;
  try {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  } catch {
    // not transpiled yet
  }
  const { code } = swc.transformSync(source, { ...OPTIONS, filename });
  const partial = `${cached}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, cached);
  return { format: 'module', source: code, shortCircuit: true };
}
