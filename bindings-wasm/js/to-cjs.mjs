// Turns js/sdk.mjs into CommonJS for the Node `require` entry (no bundler needed): drops the
// `export` keywords, turns imports of sibling modules into `require`s and appends a
// module.exports list of every exported name.
import { readFileSync, writeFileSync } from 'node:fs';

const [src, dst] = process.argv.slice(2);
let code = readFileSync(src, 'utf8');
const names = [];
// `import { A, B } from './x.mjs';` (a sibling module of the package) → require('./x.cjs').
code = code.replace(/^import \{([^}]*)\} from '\.\/([\w-]+)\.mjs';$/gm, (_, list, mod) => `const {${list}} = require('./${mod}.cjs');`);
code = code.replace(/^export (class|function|async function|const|let) ([A-Za-z_$][\w$]*)/gm, (_, kw, name) => {
  names.push(name);
  return `${kw} ${name}`;
});
code = code.replace(/^export default ([A-Za-z_$][\w$]*);$/m, (_, name) => {
  names.push(`default: ${name}`);
  return '';
});
if (/^export /m.test(code) || /^import /m.test(code)) {
  console.error('to-cjs: unsupported import/export left in', src);
  process.exit(1);
}
code = `'use strict';\n${code}\nmodule.exports = { ${names.join(', ')} };\n`;
writeFileSync(dst, code);
