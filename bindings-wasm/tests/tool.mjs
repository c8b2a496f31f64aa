// Small helper for test.sh: `node tests/tool.mjs newkey [project|account]` prints a fresh
// sandbox key (each key has its own rate-limit window on the server).
import { info, newKey } from './sandbox.mjs';

const [cmd, arg] = process.argv.slice(2);
if (!info) {
  console.error('tool.mjs: $AUTOSEND_SANDBOX is not set');
  process.exit(2);
}
if (cmd === 'newkey') console.log(await newKey(arg || 'project'));
else {
  console.error(`tool.mjs: unknown command ${cmd}`);
  process.exit(2);
}
