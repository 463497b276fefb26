// `npm run traces`: regenerate the committed default traces (traces/) and the defaults table of
// docs/workloads.md from the workload generators (default-instance parameters, seed 0).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTracePath, regenerateDefaults } from '../src/workloads/defaults';
import { PROJECT_ROOT } from '../src/version';

const LIMIT_BYTES = 10 * 1000 * 1000;

async function main(): Promise<void> {
  const facts = await regenerateDefaults(PROJECT_ROOT, (s) => process.stderr.write(`${s}\n`));
  let total = 0;
  for (const f of facts) total += statSync(join(PROJECT_ROOT, defaultTracePath(f.id))).size;
  process.stderr.write(`traces/: ${facts.length} files, ${(total / 1e6).toFixed(2)} MB in total (limit 10 MB)\n`);
  if (total >= LIMIT_BYTES) {
    process.stderr.write('error: the committed traces exceed 10 MB; make the default instances smaller\n');
    process.exitCode = 1;
  }
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
