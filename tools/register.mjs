// Runs packflow's TypeScript sources directly on Node: swc transpiles each module on
// load (with decorator metadata, which NestJS dependency injection needs).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

process.env.SWC_NODE_PROJECT ??= new URL('../tsconfig.base.json', import.meta.url).pathname;
register('@swc-node/register/esm', pathToFileURL(new URL('../package.json', import.meta.url).pathname));
