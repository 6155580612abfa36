// Tests mirror sources: every source file has a test named after it (src/a/b.ts is tested by
// test/a/b.test.ts, state/x.ts by test/state/x.test.ts), so the test of a file is found without
// searching, and tap's coverage map (test/helpers/coverage-map.mjs) counts that test for that
// source only. A source without one fails here unless it is in the allow-list below, with why.
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import coverageMap, { mirroredSource, runsBuiltProduct } from '../helpers/coverage-map.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Sources allowed to have no mirrored test, each with the reason. Keep it empty: a file that is
 * worth keeping is worth a test of its own.
 */
export const WITHOUT_MIRRORED_TEST: ReadonlyMap<string, string> = new Map<string, string>([])

export function mirroredTest(source: string): string {
  return join('test', source.replace(/^src\//, '')).replace(/\.ts$/, '.test.ts')
}

function sources(): string[] {
  return ['src', 'state'].flatMap(dir =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter(entry => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map(entry => relative(root, join(entry.parentPath, entry.name)).replace(/\\/g, '/')),
  ).sort()
}

t.test('the test named after a source, and the source a test is named after', async t => {
  const cases: [source: string, test: string][] = [
    ['src/cli/commands/logs.ts', 'test/cli/commands/logs.test.ts'],
    ['src/http/routes.ts', 'test/http/routes.test.ts'],
    ['state/session-events.ts', 'test/state/session-events.test.ts'],
    ['state/session.machine.ts', 'test/state/session.machine.test.ts'],
    ['src/cli/read-sessions.ts', 'test/cli/read-sessions.test.ts'],
  ]
  for (const [source, test] of cases) {
    t.equal(mirroredTest(source), test, source)
    t.equal(mirroredSource(test), source, test)
  }
})

t.test('the coverage map counts a mirrored test for its source only, unless it runs the built product', async t => {
  const cases: [test: string, counts: string | string[]][] = [
    ['test/cli/read-sessions.test.ts', 'src/cli/read-sessions.ts'],
    ['test/state/session-events.test.ts', 'state/session-events.ts'],
    ['test/http/event-stream.test.ts', 'src/http/event-stream.ts'],
    ['test/home/supervisor-pid.test.ts', []], // starts the built supervisor
    ['test/usage/statusline-process.test.ts', []], // runs dist/hooks/statusline.cjs
  ]
  for (const [test, counts] of cases) {
    t.equal(runsBuiltProduct(test), Array.isArray(counts), `${test}: runs the built product`)
    t.same(coverageMap(test), counts, test)
  }
})

t.test('the coverage map counts every other test for every file', async t => {
  for (const test of [
    'test/cli/bin.test.ts', // no src/cli/bin.ts: it runs the built CLI end to end
    'test/architecture/tests-mirror-sources.test.ts',
    'test/contracts/real-run.test.ts',
    'test/install/from-checkout.e2e.ts',
    'test/helpers/fake-anthropic-api.test.ts',
    'test/state/purity.test.ts',
  ]) {
    t.equal(mirroredSource(test), null, test)
    t.same(coverageMap(test), [], test)
  }
})

t.test('tap uses the coverage map', async t => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { tap: Record<string, unknown> }
  t.equal(pkg.tap['coverage-map'], 'test/helpers/coverage-map.mjs')
})

t.test('every source has a mirrored test, or a reason in the allow-list', async t => {
  const all = sources()
  t.ok(all.length > 50, `found the sources (${all.length})`)
  const missing = all.filter(source => !existsSync(join(root, mirroredTest(source))) && !WITHOUT_MIRRORED_TEST.has(source))
  t.same(missing, [], 'sources without a mirrored test')
})

t.test('the allow-list names only sources that exist and still have no mirrored test', async t => {
  for (const source of WITHOUT_MIRRORED_TEST.keys()) {
    t.ok(existsSync(join(root, source)), `${source} exists`)
    t.notOk(existsSync(join(root, mirroredTest(source))), `${source} has no mirrored test yet`)
  }
})
