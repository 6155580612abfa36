// Builds dist/. tsc compiles everything (the tests and the demo use that output), then esbuild
// bundles what the package runs, so that an install without node_modules works: Claude Code
// unpacks a plugin from npm without installing its dependencies.
// - dist/hooks/journal-event.cjs and dist/hooks/statusline.cjs: one CommonJS file each, because a
//   single .cjs file starts as fast as `node -e 0` and the hook and the status line run all the time.
// - dist/src/cli/main.js: the CLI and the supervisor, replacing tsc's file of the same name, with
//   each command in its own chunk (dist/src/cli/chunks/) so `status` still loads only what it uses.
//   The dashboard's files are copied beside the chunk that serves them.
// - dist/THIRD-PARTY-LICENSES.txt: the licenses of the libraries inside those bundles.
// - plugin/: the package exactly as `npm pack` would ship it, as a plugin marketplace of its own,
//   for installing the plugin from a checkout (see the README).
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const dist = join(root, 'dist')

// --keep: rebuild in place (other test runs may be using dist/ right now).
if (!process.argv.includes('--keep')) rmSync(dist, { recursive: true, force: true })
// --release (prepack): no source maps. Without it the bundles get linked maps, so that test
// coverage of code run from them is counted against src/ and not against the bundles.
const release = process.argv.includes('--release')
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' })
} catch {
  fail('tsc reported the errors above')
}

// The dashboard's page, stylesheet, script and icon are served as they are, from beside the server
// (dashboard-assets.ts): beside tsc's output here, beside the bundle's chunk below.
const dashboardAssets = join(root, 'src/http/dashboard')
cpSync(dashboardAssets, join(dist, 'src/http/dashboard'), { recursive: true })

const esbuild = require('esbuild')
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: release ? false : 'linked',
  sourcesContent: false,
}
const inputs = []

for (const entry of ['journal-event', 'statusline']) {
  const result = esbuild.buildSync({ ...common, entryPoints: [join(root, `hooks/${entry}.ts`)], outfile: join(dist, `hooks/${entry}.cjs`), format: 'cjs' })
  inputs.push(...Object.keys(result.metafile.inputs))
}

const cliDir = join(dist, 'src', 'cli')
const cli = esbuild.buildSync({
  ...common,
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir: cliDir,
  // The chunks sit one folder below main.js, as the command modules do in tsc's output, so a
  // path made from import.meta.url (supervisor start finds main.js as ../main.js) is right in both.
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  splitting: true,
  // CommonJS libraries inside an ES module bundle still call require() for Node's built-ins, and
  // write-file-atomic hashes __filename into its temporary names.
  banner: {
    js: [
      "import { createRequire as __ssrCreateRequire } from 'node:module';",
      "import { fileURLToPath as __ssrFileURLToPath } from 'node:url';",
      'const require = __ssrCreateRequire(import.meta.url);',
      'const __filename = __ssrFileURLToPath(import.meta.url);',
    ].join(' '),
  },
  allowOverwrite: true,
})
inputs.push(...Object.keys(cli.metafile.inputs))
// tsc's map of the file the bundle replaced.
if (release) rmSync(join(cliDir, 'main.js.map'), { force: true })
for (const [file, output] of Object.entries(cli.metafile.outputs)) {
  const outside = (output.imports ?? []).filter(i => i.external && !i.path.startsWith('node:') && !isBuiltin(i.path))
  if (outside.length) fail(`${file} still imports ${outside.map(i => i.path).join(', ')} from outside the bundle`)
}

const server = Object.entries(cli.metafile.outputs).find(([, output]) => 'src/http/dashboard-assets.ts' in output.inputs)
if (!server) fail('no bundle holds src/http/dashboard-assets.ts')
cpSync(dashboardAssets, join(root, dirname(server[0]), 'dashboard'), { recursive: true })

writeFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(inputs))
stagePlugin()

/** Each package under node_modules that ended up in a bundle, with its license text. */
function thirdPartyLicenses(files) {
  const packages = new Map()
  for (const file of files) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)
    if (match) packages.set(match[1], join(root, file.slice(0, match.index + match[0].length)))
  }
  const sections = [...packages.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, dir]) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    const licenseFile = readdirSync(dir).find(f => /^licen[cs]e(\.(md|txt))?$/i.test(f))
    if (!licenseFile) fail(`${name} has no license file to ship with the bundle`)
    return `${name} ${pkg.version} (${pkg.license})\n\n${readFileSync(join(dir, licenseFile), 'utf8').trim()}\n`
  })
  return `smart-session-retry bundles these libraries into dist/:\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`
}

/**
 * plugin/: the files `npm pack` lists, copied, plus a marketplace naming them by path. Claude Code
 * runs a plugin from a local marketplace in place (CLAUDE_PLUGIN_ROOT is this folder) and copies it
 * whole into its cache, so pointing it at the checkout itself would run the hooks from the sources'
 * folder and copy node_modules (hundreds of MB). It lives outside dist/, which every build empties,
 * and is swapped in by renames, so sessions running the installed plugin never see it half written.
 */
function stagePlugin() {
  const stage = join(root, 'plugin')
  const next = `${stage}.new-${process.pid}`
  const old = `${stage}.old-${process.pid}`
  rmSync(next, { recursive: true, force: true })
  const npm = process.env.npm_execpath
  const [file, args] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : ['npm', []]
  const listing = JSON.parse(execFileSync(file, [...args, 'pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
  for (const { path } of listing[0].files) {
    mkdirSync(dirname(join(next, path)), { recursive: true })
    cpSync(join(root, path), join(next, path))
  }
  const marketplace = JSON.parse(readFileSync(join(root, '.claude-plugin', 'marketplace.json'), 'utf8'))
  marketplace.name = `${marketplace.name}-checkout`
  marketplace.description = `${marketplace.description} (built from a checkout)`
  marketplace.plugins = marketplace.plugins.map(plugin => ({ ...plugin, source: './' }))
  writeFileSync(join(next, '.claude-plugin', 'marketplace.json'), JSON.stringify(marketplace, null, 2) + '\n')
  if (existsSync(stage)) renameSync(stage, old)
  renameSync(next, stage)
  rmSync(old, { recursive: true, force: true })
}

function isBuiltin(name) {
  return require('node:module').builtinModules.includes(name)
}

function fail(message) {
  console.error(`build: ${message}`)
  process.exit(1)
}
