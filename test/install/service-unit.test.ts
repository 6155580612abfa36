import t from 'tap'
import { serviceFile } from '../../src/install/service-unit.js'

const spec = { home: '/home/u', nodePath: '/usr/bin/node', cliMain: '/opt/ssr 1/dist/src/cli/main.js', retryHome: '/home/u/.devflow' }

t.test('systemd user unit', async t => {
  const file = serviceFile({ ...spec, platform: 'linux' })
  t.equal(file.path, '/home/u/.config/systemd/user/session-retry.service')
  t.match(file.text, /^ExecStart="\/usr\/bin\/node" "\/opt\/ssr 1\/dist\/src\/cli\/main.js" "supervisor" "run"$/m)
  t.match(file.text, /^Environment="SESSION_RETRY_HOME=\/home\/u\/.devflow"$/m)
  t.match(file.text, /^Restart=on-failure$/m)
  t.same(file.enable, ['systemctl --user daemon-reload', 'systemctl --user enable --now session-retry.service'])
  const odd = serviceFile({ ...spec, platform: 'linux', retryHome: '/h/100%$x"y' })
  t.match(odd.text, /Environment="SESSION_RETRY_HOME=\/h\/100%%\$\$x\\"y"/, 'systemd specials escaped')
})

t.test('launchd agent', async t => {
  const file = serviceFile({ ...spec, platform: 'darwin', retryHome: '/Users/u/a&b' })
  t.equal(file.path, '/home/u/Library/LaunchAgents/dev.session-retry.supervisor.plist')
  t.match(file.text, /<string>\/opt\/ssr 1\/dist\/src\/cli\/main.js<\/string>/)
  t.match(file.text, /<string>\/Users\/u\/a&amp;b<\/string>/, 'XML escaped')
  t.match(file.text, /<key>RunAtLoad<\/key>\s*<true\/>/)
})

t.test('other platforms get a clear error', async t => {
  t.throws(() => serviceFile({ ...spec, platform: 'win32' }), /no service manager support for win32/)
})
