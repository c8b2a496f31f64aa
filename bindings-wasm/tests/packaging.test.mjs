// The package's shape (issue 15 item 2): error names come from one table that minifiers keep,
// and every kind of the core's taxonomy has its class.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sdk } from './pkg.mjs';

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
