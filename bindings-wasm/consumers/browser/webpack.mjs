// webpack 5 with its defaults (production mode: terser): one build for target "web" (a page)
// and one for target "webworker". No wasm experiments or loaders: the package's
// `new URL('…wasm', import.meta.url)` is an asset webpack emits by itself.
import webpack from 'webpack';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const config = (target, entry, dir) => ({
  mode: 'production',
  target,
  context: here,
  entry,
  output: { path: path.join(here, 'dist', dir), filename: 'main.js', publicPath: 'auto', clean: true },
  performance: { hints: false },
});
const stats = await new Promise((resolve, reject) =>
  webpack([config('web', './main.js', 'webpack-web'), config('webworker', './worker.js', 'webpack-worker')], (err, s) =>
    err ? reject(err) : resolve(s)),
);
if (stats.hasErrors() || stats.hasWarnings()) {
  console.error(stats.toString({ all: false, errors: true, warnings: true }));
  process.exit(1);
}
for (const s of stats.stats) {
  const assets = s.toJson({ all: false, assets: true }).assets.map((a) => `${a.name} ${a.size}`);
  console.log(`webpack ${s.compilation.options.target}: ${assets.join(', ')}`);
}
