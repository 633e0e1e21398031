import { ensureTemplate } from '../db/template.js';

await ensureTemplate();
