// Module hooks for ts-loader.mjs. Sources import each other as `./name.js` (NodeNext), so a `.js`
// that does not exist beside a `.ts` of the same name resolves to the `.ts`; a `.ts` is stripped of
// its types by esbuild, with an inline source map so stack traces and coverage point at the source.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.startsWith('file:') && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const js = new URL(specifier, context.parentURL)
    const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL)
    if (!existsSync(js) && existsSync(ts)) return next(ts.href, context)
  }
  return next(specifier, context)
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context)
  const file = fileURLToPath(url)
  const { code } = await transform(await readFile(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: file })
  return { format: 'module', source: code, shortCircuit: true }
}
