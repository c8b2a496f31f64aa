// Vite with its defaults (production build, minified): no wasm plugin, no target override.
export default { base: '/vite/', logLevel: 'warn', build: { outDir: 'dist/vite', emptyOutDir: true } };
