// The dashboard's own files, read once from a folder, and the headers they are served with.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DASHBOARD_CSP, DASHBOARD_DIR, DASHBOARD_FILES, dashboardHeaders, loadDashboardAssets } from '../../src/http/dashboard-assets.js'

t.test('every file of the folder, with its type', async t => {
  const assets = await loadDashboardAssets()
  if (!assets.ok) throw new Error(assets.error)
  t.same([...assets.files.keys()], Object.keys(DASHBOARD_FILES))
  for (const [path, { file, type }] of Object.entries(DASHBOARD_FILES)) {
    const asset = assets.files.get(path as keyof typeof DASHBOARD_FILES)!
    t.equal(asset.type, type, path)
    t.same(asset.body, readFileSync(join(DASHBOARD_DIR, file)), `${path}: the file as it is`)
  }
})

t.test('a file missing: a clear error naming it and what to do', async t => {
  const missing = await loadDashboardAssets(join(t.testdir({}), 'nowhere'))
  t.equal(missing.ok, false)
  if (!missing.ok) t.match(missing.error, /nowhere\/index\.html cannot be read \(ENOENT\); rebuild with npm run build/)
  const partial = await loadDashboardAssets(t.testdir({ 'index.html': '<!doctype html>', 'dashboard.css': '' }))
  t.equal(partial.ok, false)
  if (!partial.ok) t.match(partial.error, /dashboard\.js cannot be read \(ENOENT\)/, 'the first one missing')
})

t.test('the policy allows only this origin, with no inline script or style', async t => {
  t.match(DASHBOARD_CSP, /default-src 'none'/)
  t.match(DASHBOARD_CSP, /script-src 'self'/)
  t.match(DASHBOARD_CSP, /require-trusted-types-for 'script'/)
  t.notMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval|\*/)
  t.same(dashboardHeaders('text/css; charset=utf-8'), {
    'Content-Type': 'text/css; charset=utf-8',
    'Content-Security-Policy': DASHBOARD_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  })
})
