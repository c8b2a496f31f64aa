// node measure.mjs DIR PKG: the two bundles of this consumer (DIR/split.mjs, DIR/whole.mjs)
// against the package's two wasm files. The split bundle must carry the small webhook wasm and
// not the SDK's; prints both bundles' sizes (raw and gzip -9).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const [dir, pkg] = process.argv.slice(2);
const b64 = (f) => readFileSync(path.join(pkg, 'esm', f)).toString('base64');
const big = b64('autosend_wasm_bg.wasm');
const small = b64('autosend_wasm_webhook_bg.wasm');
const sizes = {};
let ok = true;
for (const [name, want, not] of [['split', small, big], ['whole', big, small]]) {
  const code = readFileSync(path.join(dir, `${name}.mjs`));
  const text = code.toString('latin1');
  const has = text.includes(want);
  const lacks = !text.includes(not);
  if (!has || !lacks) {
    ok = false;
    console.error(`${name}.mjs: ${has ? '' : 'lacks its wasm; '}${lacks ? '' : 'holds the other wasm'}`);
  }
  sizes[name] = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}
const saved = (k) => `${Math.round((1 - sizes.split[k] / sizes.whole[k]) * 100)}%`;
console.log(JSON.stringify({ ok, ...sizes, saved: { bytes: saved('bytes'), gzip: saved('gzip') } }));
process.exit(ok ? 0 : 1);
