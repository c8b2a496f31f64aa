// Page entry for Vite and for webpack (target web). The config comes in the URL's fragment;
// the outcome is POSTed to the test server's /report. With `worker` set, the page instead
// runs the check in that web worker (the webpack webworker build) and reports its answer.
import * as sdk from 'autosend-sdk';
import { run } from './smoke.js';

const report = (r) => fetch('/report', { method: 'POST', body: JSON.stringify(r) });
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
if (cfg.worker) {
  const w = new Worker(cfg.worker);
  w.onerror = (e) => report({ ok: false, label: cfg.label, error: `worker: ${e.message}` });
  w.onmessage = (e) => (e.data.ready ? w.postMessage(cfg) : report(e.data));
} else {
  run(sdk, cfg).then(report, (e) => report({ ok: false, label: cfg.label, error: String((e && e.stack) || e) }));
}
