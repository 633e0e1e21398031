// Runs once per jest run: migrates the template database every test file clones.
import { ensureTemplate } from '../db/template.js';

export default async function globalSetup(): Promise<void> {
  await ensureTemplate();
}
