import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The gmemlab package version (from package.json), recorded in every result's provenance. */
export const VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The project root folder (where package.json is). */
export const PROJECT_ROOT: string = join(__dirname, '..');
