// tap's coverage map (package.json: tap.coverage-map). tap calls it with each test file's path
// relative to the project root ('test/cli/commands/logs.test.ts') and keeps, for that test's processes,
// coverage only of the files the returned globs (relative to the project root) match; [] keeps
// all files, null none.
//
// A mirrored test (test/<x>.test.ts beside a source src/<x>.ts, or test/state/<x>.test.ts beside
// state/<x>.ts) counts for its own source only, so a source is covered by its own tests and not
// by accident through another unit's. Any other test (end-to-end, integration, architecture,
// contracts) counts for every file it runs.
//
// A mirrored test that runs the built product (dist/, through the helpers that start it) counts
// for every file too: tap keeps a bundle's coverage whole when any one of its sources is listed,
// so listing the test's source would keep every bundle holding it, with the dependencies bundled
// in (proper-lockfile, chokidar, ...) that tap otherwise leaves out, and the sources bundled
// beside it, covered by accident.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The source a test file mirrors ('src/cli/commands/logs.ts', 'state/time-range.ts'), or null. */
export function mirroredSource(testFile) {
  const match = /^test\/(.+)\.test\.ts$/.exec(testFile.replace(/\\/g, '/'))
  if (!match) return null
  const name = match[1]
  for (const source of [`src/${name}.ts`, name.startsWith('state/') ? `${name}.ts` : null]) {
    if (source && existsSync(join(root, source))) return source
  }
  return null
}

/** The test starts the built product: the helpers that run dist/, or a relative path into dist/. */
const RUNS_BUILT = /helpers\/(supervisor-process|hook-process|claude-cli)\.js|(\.\.\/|['"`])dist\//

export function runsBuiltProduct(testFile) {
  return RUNS_BUILT.test(readFileSync(join(root, testFile), 'utf8'))
}

export default function coverageMap(testFile) {
  const source = mirroredSource(testFile)
  return source === null || runsBuiltProduct(testFile) ? [] : source
}
