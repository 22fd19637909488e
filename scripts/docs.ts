/** Rewrites the README's generated tables (scenarios, exit codes) from the code. Usage: npm run docs */
import { resolve } from 'node:path';
import { updateReadme } from '../lib/cli/docs.js';

const path = resolve(import.meta.dirname, '../README.md');
console.log((await updateReadme(path)) ? `${path}: tables updated` : `${path}: tables already current`);
