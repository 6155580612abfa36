// Builds dist/: tsc for everything, then one esbuild CommonJS bundle for the hook's
// second stage, because a single .cjs file starts as fast as `node -e 0`
// (library notes, section 6) and needs nothing from node_modules at run time.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

// --keep: rebuild in place (other test runs may be using dist/ right now).
if (!process.argv.includes('--keep')) rmSync(join(root, 'dist'), { recursive: true, force: true })
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  })
} catch {
  console.error('build: tsc reported the errors above')
  process.exit(1)
}
// The dashboard's page, stylesheet, script and icon are served as they are, from beside the server.
cpSync(join(root, 'src/http/dashboard'), join(root, 'dist/src/http/dashboard'), { recursive: true })
const esbuild = require('esbuild')
// The status line runs after every turn: it gets the same single-file treatment.
for (const entry of ['journal-event', 'statusline']) {
  const source = join(root, `hooks/${entry}.ts`)
  if (!existsSync(source)) continue
  esbuild.buildSync({
    entryPoints: [source],
    outfile: join(root, `dist/hooks/${entry}.cjs`),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  })
}
