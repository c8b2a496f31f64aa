// The package's shape (issue 15 item 2): error names come from one table that minifiers keep,
// and every kind of the core's taxonomy has its class.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PKG_DIR, sdk } from './pkg.mjs';

test('every error kind of the core maps to an exported class whose name is its own', () => {
  const kinds = sdk.errorKinds();
  assert.ok(kinds.length > 20);
  for (const k of kinds) {
    const err = sdk.errorFromJson({ code: k.code, kind: k.name, category: k.category, message: 'm' });
    assert.ok(err instanceof sdk.AutoSendError, k.name);
    assert.equal(sdk[err.name], err.constructor, `${k.name}: err.name ${err.name} is not the export of its class`);
    assert.ok(Object.hasOwn(err.constructor.prototype, 'name'), `${err.name}: name not set from ERROR_CLASSES`);
  }
});

test('a subclass written by the caller keeps its own name', () => {
  class MyError extends sdk.ValidationError {}
  assert.equal(new MyError().name, 'MyError');
  assert.equal(new sdk.ValidationError().name, 'ValidationError');
});

// esm/node.mjs and esm/webhook-node.mjs load their CommonJS entry with createRequire, so Node
// does not run its CommonJS export lexer at start-up (js/node-entry.mjs); bundlers take
// esm/node-bundler.mjs and esm/webhook-node-bundler.mjs (condition "module"), a static import
// of the same file. Both must give the instance `require` gives.
for (const [spec, atLeast] of [['autosend-sdk', 20], ['autosend-sdk/webhook', 8]]) {
  test(`Node ESM entries of ${spec}: one instance with require, and no CommonJS lexer on Node's path`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'autosend-entry-'));
    try {
      mkdirSync(path.join(dir, 'node_modules'));
      symlinkSync(path.resolve(PKG_DIR), path.join(dir, 'node_modules', 'autosend-sdk'), 'dir');
      writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(
        path.join(dir, 'probe.mjs'),
        [
          "import { createRequire } from 'node:module';",
          `import * as esm from '${spec}';`,
          `const cjs = createRequire(import.meta.url)('${spec}');`,
          'const names = Object.keys(esm).filter((n) => n !== "default").sort();',
          'console.log(JSON.stringify({',
          '  same: names.every((n) => esm[n] === cjs[n]) && esm.default === cjs.default,',
          '  names: names.length, cjsNames: Object.keys(cjs).filter((n) => n !== "default" && n !== "__esModule").length,',
          "  lexer: process.moduleLoadList.some((m) => m.includes('cjs-module-lexer')),",
          // esm/node.mjs compiles the main wasm at import (js/entries/wasm-bytes.cjs).
          `  precompiled: createRequire(import.meta.url)(${JSON.stringify(path.join(realpathSync(PKG_DIR), 'cjs', 'wasm-bytes.cjs'))}).compiled() !== null,`,
          '}));',
        ].join('\n'),
      );
      const run = (...flags) => JSON.parse(execFileSync(process.execPath, [...flags, 'probe.mjs'], { cwd: dir, encoding: 'utf8' }));
      const node = run();
      assert.deepEqual(node, {
        same: true,
        names: node.cjsNames,
        cjsNames: node.cjsNames,
        lexer: false,
        precompiled: spec === 'autosend-sdk',
      });
      assert.ok(node.names >= atLeast, `only ${node.names} exports`);
      // What a bundler resolves (it sets "module"; Node runs that file too when asked to).
      const bundler = run('--conditions=module');
      assert.deepEqual(bundler, { ...node, lexer: true, precompiled: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Without its .wasm file the package still imports and requires (the ESM entry's compile at
// import gives up quietly); the first use says what is wrong, in both formats, for both
// subpaths (their CommonJS byte modules share cjs/read-wasm.cjs).
for (const [spec, name, wasm, use] of [
  ['autosend-sdk', 'AutoSend', 'autosend_wasm_bg.wasm', "new AutoSend('AS_' + 'x'.repeat(32))"],
  ['autosend-sdk/webhook', 'verifyWebhook', 'autosend_wasm_webhook_bg.wasm', "verifyWebhook('{}', {}, 'whsec_x')"],
]) {
  test(`${spec} without its wasm file: import works, ${name} throws AutoSendLoadError`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'autosend-nowasm-'));
    try {
      const pkg = path.join(dir, 'node_modules', 'autosend-sdk');
      cpSync(realpathSync(PKG_DIR), pkg, { recursive: true });
      unlinkSync(path.join(pkg, 'esm', wasm));
      writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      const probe = (importLine) =>
        [
          importLine,
          'let out;',
          `try { ${use}; out = 'ran'; }`,
          'catch (e) { out = `${e.name}: ${e.message}`; }',
          'console.log(out);',
        ].join('\n');
      writeFileSync(path.join(dir, 'esm.mjs'), probe(`import { ${name} } from '${spec}';`));
      writeFileSync(path.join(dir, 'cjs.cjs'), probe(`const { ${name} } = require('${spec}');`));
      const expected = new RegExp(`^AutoSendLoadError: autosend-sdk: cannot read its WebAssembly file .*${wasm.replace('.', '\\.')} \\(ENOENT\\)`);
      for (const file of ['esm.mjs', 'cjs.cjs']) {
        const out = execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' }).trim();
        assert.match(out, expected, file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
