// Web worker entry for webpack (target webworker).
import * as sdk from 'autosend-sdk';
import { run } from './smoke.js';

self.onmessage = async (event) => {
  try {
    self.postMessage(await run(sdk, event.data));
  } catch (e) {
    self.postMessage({ ok: false, error: String((e && e.stack) || e) });
  }
};
self.postMessage({ ready: true });
