// The package version, found by walking up from a module to this package's package.json.
import t from 'tap'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageVersion } from '../../src/os/package-version.js'

t.test('packageVersion walks up to this package’s package.json', async t => {
  t.match(packageVersion(), /^\d+\.\d+\.\d+/)
  const other = t.testdir({ 'package.json': '{"name":"other","version":"9.9.9"}', 'no-version': { 'package.json': '{"name":"smart-session-retry"}' } })
  t.equal(packageVersion(pathToFileURL(join(other, 'no-version', 'x.js')).href), packageVersion(), 'another package is passed by')
  t.equal(packageVersion('file:///x.js'), 'unknown', 'none up to the root')
  const nested = t.testdir({ 'package.json': '{"name":"smart-session-retry","version":"1.2.3"}', dist: { src: { 'not-json': { 'package.json': '{' } } } })
  t.equal(packageVersion(pathToFileURL(join(nested, 'dist', 'src', 'not-json', 'main.js')).href), '1.2.3')
})
