// The wasm's exports and multi-value, for build.sh and scripts/check-wasm-imports.sh.
//
// rustc (1.82+) marks every wasm32 module with the `multivalue` target feature, and
// wasm-bindgen then returns strings and tuples as several values. V8's generic JS-to-wasm
// wrapper takes at most one result, so Node 20 compiled a TurboFan wrapper for each of the
// module's 22 multi-value export signatures when the module was compiled: ~23 M instructions,
// 17 % of `import` + `new AutoSend()` (bench/NOTES.md, "Start-up"). Without the mark,
// wasm-bindgen returns through its shadow stack, and every export takes the generic wrapper.
//
//   node wasm-multivalue.mjs strip IN OUT   # copy IN to OUT without the `multivalue` mark
//   node wasm-multivalue.mjs check FILE     # fail if an export returns more than one value
import { readFileSync, writeFileSync } from 'node:fs';

const leb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
};

/** The module's sections as { id, start, end, body } (body: where the payload starts). */
function sections(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  const out = [];
  let p = 8;
  const u32 = () => {
    let r = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[p++];
      r |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return r >>> 0;
  };
  while (p < bytes.length) {
    const start = p;
    const id = bytes[p++];
    const len = u32();
    out.push({ id, start, body: p, end: p + len });
    p += len;
  }
  return { list: out, reader: (at) => ((p = at), { u32, at: () => p, byte: () => bytes[p++] }) };
}

function strip(src, dst) {
  const bytes = readFileSync(src);
  const { list, reader } = sections(bytes);
  const parts = [bytes.subarray(0, 8)];
  let dropped = false;
  for (const s of list) {
    if (s.id === 0) {
      const r = reader(s.body);
      const nameLen = r.u32();
      const name = bytes.subarray(r.at(), r.at() + nameLen).toString();
      if (name === 'target_features') {
        reader(r.at() + nameLen);
        const count = r.u32();
        const kept = [];
        for (let i = 0; i < count; i++) {
          const prefix = r.byte();
          const len = r.u32();
          const feature = bytes.subarray(r.at(), r.at() + len);
          reader(r.at() + len);
          if (feature.toString() === 'multivalue') dropped = true;
          else kept.push(Buffer.from([prefix]), leb(len), feature);
        }
        const nameBytes = Buffer.from(name);
        const payload = Buffer.concat([leb(nameBytes.length), nameBytes, leb(kept.length / 3), ...kept]);
        parts.push(Buffer.from([0]), leb(payload.length), payload);
        continue;
      }
    }
    parts.push(bytes.subarray(s.start, s.end));
  }
  writeFileSync(dst, Buffer.concat(parts));
  console.log(`wasm-multivalue: ${dropped ? 'dropped the multivalue mark' : 'no multivalue mark'} (${dst})`);
}

function check(file) {
  const bytes = readFileSync(file);
  const { list, reader } = sections(bytes);
  const results = []; // per type index: number of results
  const funcTypes = []; // per defined function: type index
  const exports = []; // [name, function index]
  let importedFuncs = 0;
  for (const s of list) {
    const r = reader(s.body);
    if (s.id === 1) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        if (r.byte() !== 0x60) throw new Error('unexpected type form');
        const params = r.u32();
        reader(r.at() + params); // value types of the MVP and reference types are one byte
        const res = r.u32();
        reader(r.at() + res);
        results.push(res);
      }
    } else if (s.id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        for (let part = 0; part < 2; part++) {
          const len = r.u32(); // module name, then field name
          reader(r.at() + len);
        }
        const kind = r.byte();
        if (kind === 0) {
          r.u32();
          importedFuncs++;
        } else if (kind === 1) {
          r.byte();
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else {
          r.byte();
          r.byte();
        }
      }
    } else if (s.id === 3) {
      const n = r.u32();
      for (let i = 0; i < n; i++) funcTypes.push(r.u32());
    } else if (s.id === 7) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const len = r.u32();
        const name = bytes.subarray(r.at(), r.at() + len).toString();
        reader(r.at() + len);
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) exports.push([name, index]);
      }
    }
  }
  const multi = exports.filter(([, i]) => i >= importedFuncs && results[funcTypes[i - importedFuncs]] > 1);
  if (multi.length) {
    console.error(`${file}: ${multi.length} exports return several values (${multi.map(([n]) => n).join(', ')}):`);
    console.error('build.sh strips the multivalue mark before wasm-bindgen (js/wasm-multivalue.mjs); rebuild with it');
    process.exit(1);
  }
  console.log(`ok: ${exports.length} function exports, none returns more than one value`);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'strip' && args.length === 2) strip(args[0], args[1]);
else if (cmd === 'check' && args.length === 1) check(args[0]);
else {
  console.error('usage: wasm-multivalue.mjs strip IN OUT | check FILE');
  process.exit(2);
}
