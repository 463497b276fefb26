// `npm run docs:errors`: regenerate docs/errors.md from the message catalogue (src/log/errors-doc.ts).
import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic';
import { errorsMarkdown } from '../src/log/errors-doc';
import { catalogue } from '../src/log/messages/index';
import { PROJECT_ROOT } from '../src/version';

const target = join(PROJECT_ROOT, 'docs', 'errors.md');
writeFileAtomic(target, errorsMarkdown(catalogue));
process.stdout.write(`wrote ${target}\n`);
