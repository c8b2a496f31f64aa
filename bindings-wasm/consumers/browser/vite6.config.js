// Vite 6: its default build targets (es2020, chrome87, firefox78, safari14, edge88) predate
// top-level await, which the package's browser entries use to compile the wasm before the
// first call. The documented setting (README, "Bundlers"): a target with top-level await —
// es2022 (or e.g. ['chrome89', 'edge89', 'firefox89', 'safari15']); not `esnext`.
// (Vite 7+ defaults to such targets: vite.config.js needs nothing.)
export default {
  base: '/vite6/',
  logLevel: 'warn',
  build: { outDir: 'dist/vite6', emptyOutDir: true, target: 'es2022' },
};
