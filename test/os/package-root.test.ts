// The package folder: the nearest folder up from a module with both hooks/record-event.sh and a
// package.json (from sources src/os/, when built dist/src/...).
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from '../../src/os/package-root.js'

t.test('from this checkout: the folder with the hook script', async t => {
  const root = packageRoot()
  t.ok(existsSync(join(root, 'hooks', 'record-event.sh')))
  t.ok(existsSync(join(root, 'src', 'os', 'package-root.ts')), 'the checkout itself')
})

t.test('walks up past folders with only one of the two', async t => {
  const dir = t.testdir({
    'package.json': '{}',
    hooks: { 'record-event.sh': '' },
    dist: { 'package.json': '{}', src: { hooks: { 'other.sh': '' }, cli: {} } },
    'only-hooks': { hooks: { 'record-event.sh': '' }, inner: {} },
  })
  t.equal(packageRoot(pathToFileURL(join(dir, 'dist', 'src', 'cli', 'main.js')).href), dir)
  t.equal(packageRoot(pathToFileURL(join(dir, 'only-hooks', 'inner', 'x.js')).href), dir, 'hooks without a package.json is not it')
})

t.test('none up to the root: an error that says what it looked for', async t => {
  t.throws(() => packageRoot('file:///x.js'), /cannot find the package folder \(hooks\/record-event\.sh\)/)
})
