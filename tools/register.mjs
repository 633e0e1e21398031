// Runs packflow's TypeScript sources directly on Node (see ts-loader.mjs: swc, with an
// on-disk cache of what it transpiled).
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
