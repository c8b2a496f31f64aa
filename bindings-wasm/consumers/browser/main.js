// Page entry for Vite and for webpack (target web).
import * as sdk from 'autosend-sdk';
import { run } from './smoke.js';

globalThis.autosendSmoke = (cfg) => run(sdk, cfg);
