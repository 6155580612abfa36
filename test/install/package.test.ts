// The npm package: what `npm pack` ships (what runs, a license, nothing else), that it runs with no
// node_modules anywhere (Claude Code unpacks a plugin without its dependencies), and that the
// staged checkout plugin (plugin/) is the same set of files. Needs dist/ built.
import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { repoRoot } from '../helpers/hook-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { runProcess, type Run } from '../helpers/run-process.js'

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))

function packList(): Promise<{ files: string[]; size: number; unpackedSize: number }> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME } }, (error, stdout) => {
      if (error) return reject(error)
      const [entry] = JSON.parse(stdout)
      resolve({ files: entry.files.map((f: { path: string }) => f.path).sort(), size: entry.size, unpackedSize: entry.unpackedSize })
    })
  })
}

function listTree(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => (entry.isDirectory() ? listTree(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name))]))
}

function run(file: string, args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  return runProcess(file, args, { env: { PATH: process.env.PATH!, ...env }, cwd, stdin: env.STDIN })
}

const listing = await packList()

t.test('the package ships what runs, a license, and nothing else', async t => {
  for (const file of [
    'package.json',
    'LICENSE',
    'README.md',
    'bin/session-retry.cjs',
    'dist/src/cli/main.js',
    'dist/hooks/journal-event.cjs',
    'dist/hooks/statusline.cjs',
    'dist/THIRD-PARTY-LICENSES.txt',
    'hooks/hooks.json',
    'hooks/record-event.sh',
    '.claude-plugin/plugin.json',
    'commands/status.md',
    'dist/src/cli/chunks/dashboard/index.html',
    'schemas/journal-line.schema.json',
    'schemas/session-state.schema.json',
    'schemas/current-session.schema.json',
    'schemas/resume-schedule.schema.json',
    'schemas/usage.schema.json',
  ]) {
    t.ok(listing.files.includes(file), file)
  }
  const unwanted = listing.files.filter(file => /\.map$|\.ts$|^test\/|^scripts\/|^dist\/scripts\/|^plugin\/|^dist\/state\/|demo|fake-anthropic|node_modules|marketplace\.json$/.test(file))
  t.same(unwanted, [], 'no sources, maps, tests, demo, fake API or marketplace')
  const distFiles = listing.files.filter(file => file.startsWith('dist/'))
  t.ok(
    distFiles.every(file => /^dist\/(src\/cli\/main\.js|src\/cli\/chunks\/[\w-]+\.js|src\/cli\/chunks\/dashboard\/[\w.-]+|hooks\/[\w-]+\.cjs|THIRD-PARTY-LICENSES\.txt)$/.test(file)),
    `only the bundles from dist/: ${distFiles.filter(f => !f.includes('/chunks/')).join(', ')}`,
  )
  t.equal(pkg.dependencies, undefined, 'no dependencies: the bundles hold them')
  t.equal(pkg.scripts.prepack, 'node scripts/build.mjs --release', 'npm pack and npm publish build first, without source maps')
  t.match(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'), /^MIT License\n/)
  t.equal(pkg.license, 'MIT')
  t.comment(`package: ${listing.files.length} files, ${listing.size} bytes packed, ${listing.unpackedSize} unpacked`)
})

t.test('the bundles import nothing but Node built-ins and each other', async t => {
  const cli = join(repoRoot, 'dist', 'src', 'cli')
  for (const file of ['main.js', ...readdirSync(join(cli, 'chunks')).filter(f => f.endsWith('.js')).map(f => `chunks/${f}`)]) {
    const text = readFileSync(join(cli, file), 'utf8')
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*["']([^"']+)["']|import\(["']([^"']+)["']\)/gm)].map(m => m[1] ?? m[2]!)
    const outside = specifiers.filter(s => !s.startsWith('node:') && !s.startsWith('./') && !s.startsWith('../'))
    t.same(outside, [], file)
  }
})

t.test('the staged checkout plugin is the package, plus its marketplace', async t => {
  const stage = join(repoRoot, 'plugin')
  t.same(listTree(stage).sort(), [...listing.files, '.claude-plugin/marketplace.json'].sort())
  const marketplace = JSON.parse(readFileSync(join(stage, '.claude-plugin', 'marketplace.json'), 'utf8'))
  t.match(marketplace, { name: 'smart-session-retry-checkout', plugins: [{ name: 'smart-session-retry', source: './' }] })
  const published = JSON.parse(readFileSync(join(repoRoot, '.claude-plugin', 'marketplace.json'), 'utf8'))
  t.match(published.plugins[0], { name: 'smart-session-retry', source: { source: 'npm', package: pkg.name } }, 'the repository’s marketplace names the npm package')
})

t.test('a copy of the package runs with no node_modules anywhere above it', async t => {
  const root = mkdtempSync(join(tmpdir(), 'ssr-package-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  for (let dir = root; ; dir = dirname(dir)) {
    t.notOk(existsSync(join(dir, 'node_modules')), `no ${join(dir, 'node_modules')}`)
    if (dirname(dir) === dir) break
  }
  const copy = join(root, 'package')
  cpSync(join(repoRoot, 'plugin'), copy, { recursive: true })
  const home = join(root, 'home')
  const env = { SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false', HOME: root }
  const bin = join(copy, 'bin', 'session-retry.cjs')
  t.same(await run(process.execPath, [bin, '--version'], env, root), { code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  const start = await run(process.execPath, [bin, 'supervisor', 'start'], env, root)
  t.teardown(() => run(process.execPath, [bin, 'supervisor', 'stop'], env, root))
  t.equal(start.code, 0, start.stderr)
  const url = /^supervisor started \(pid \d+, HTTP on (http:\/\/127\.0\.0\.1:\d+)\)\n$/.exec(start.stdout)?.[1]
  t.ok(url, `the supervisor runs from the copy: ${start.stdout}`)
  const page = await fetch(`${url}/`)
  t.equal(page.status, 200, 'its dashboard is served')
  t.match(await page.text(), /<html/i)
  // The hook, as Claude Code runs it from the plugin folder: the event reaches the journal.
  const id = '0a38aaaa-1111-2222-3333-444455556666'
  const event = JSON.stringify({ session_id: id, cwd: root, transcript_path: join(root, 't.jsonl'), hook_event_name: 'Stop', last_assistant_message: 'hi' })
  const hook = await run('sh', [join(copy, 'hooks', 'record-event.sh')], { ...env, SESSION_RETRY_AUTOSTART: 'false', STDIN: event }, root)
  t.same(hook, { code: 0, stdout: '', stderr: '' })
  const line = await waitFor(() => {
    try {
      const text = readFileSync(join(home, 'sessions', 'events', `${id}.jsonl`), 'utf8')
      return text.includes('\n') ? text : undefined
    } catch {
      return undefined
    }
  }, { timeoutMs: 15_000, what: 'the journal line written by the copy’s stage 2' })
  t.match(JSON.parse(line.split('\n')[0]!), { event: 'Stop', sessionId: id, origin: 'hook' })
  const stop = await run(process.execPath, [bin, 'supervisor', 'stop'], env, root)
  t.equal(stop.code, 0, stop.stderr)
})
