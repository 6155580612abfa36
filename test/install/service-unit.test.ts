import t from 'tap'
import { serviceEnvironment, serviceFile } from '../../src/install/service-unit.js'

const environment: [string, string][] = [
  ['PATH', '/home/u/.local/bin:/usr/bin'],
  ['SESSION_RETRY_PORT', '8890'],
  ['SESSION_RETRY_CLAUDE_BIN', '/home/u/.local/bin/claude'],
]
const spec = { home: '/home/u', nodePath: '/usr/bin/node', cliMain: '/opt/ssr 1/dist/src/cli/main.js', retryHome: '/home/u/.devflow', environment }

t.test('systemd user unit', async t => {
  const file = serviceFile({ ...spec, platform: 'linux' })
  t.equal(file.path, '/home/u/.config/systemd/user/session-retry.service')
  t.match(file.text, /^ExecStart="\/usr\/bin\/node" "--max-semi-space-size=4" "\/opt\/ssr 1\/dist\/src\/cli\/main.js" "supervisor" "run"$/m, "the supervisor's Node flags")
  t.match(file.text, /^Environment="SESSION_RETRY_HOME=\/home\/u\/.devflow"$/m)
  t.match(file.text, /^Environment="PATH=\/home\/u\/.local\/bin:\/usr\/bin"$/m, 'the PATH it was installed with')
  t.match(file.text, /^Environment="SESSION_RETRY_CLAUDE_BIN=\/home\/u\/.local\/bin\/claude"$/m)
  t.match(file.text, /^Environment="SESSION_RETRY_PORT=8890"$/m)
  t.match(file.text, /^StandardOutput=append:\/home\/u\/.devflow\/logs\/supervisor.out$/m, 'output where supervisor start puts it')
  t.match(file.text, /^StandardError=append:\/home\/u\/.devflow\/logs\/supervisor.out$/m)
  t.match(file.text, /^Restart=on-failure$/m)
  t.same(file.enable, ['systemctl --user daemon-reload', 'systemctl --user enable --now session-retry.service'])
  t.same(file.disable, [['systemctl', '--user', 'disable', '--now', 'session-retry.service']])
  t.same(file.afterRemove, [['systemctl', '--user', 'daemon-reload']])
  const odd = serviceFile({ ...spec, platform: 'linux', retryHome: '/h/100%$x"y' })
  t.match(odd.text, /Environment="SESSION_RETRY_HOME=\/h\/100%%\$\$x\\"y"/, 'systemd specials escaped')
  t.match(odd.text, /^StandardOutput=append:\/h\/100%%\$x"y\/logs\/supervisor.out$/m, 'specifiers escaped in the output path')
  t.equal(odd.text.match(/SESSION_RETRY_HOME/g)?.length, 1, 'the home once')
})

t.test('launchd agent', async t => {
  const file = serviceFile({ ...spec, platform: 'darwin', retryHome: '/Users/u/a&b' })
  t.equal(file.path, '/home/u/Library/LaunchAgents/dev.session-retry.supervisor.plist')
  t.match(file.text, /<string>\/usr\/bin\/node<\/string>\s*<string>--max-semi-space-size=4<\/string>\s*<string>\/opt\/ssr 1\/dist\/src\/cli\/main.js<\/string>/, 'node, its flags, the CLI')
  t.match(file.text, /<key>SESSION_RETRY_HOME<\/key>\s*<string>\/Users\/u\/a&amp;b<\/string>/, 'XML escaped')
  t.match(file.text, /<key>PATH<\/key>\s*<string>\/home\/u\/.local\/bin:\/usr\/bin<\/string>/)
  t.match(file.text, /<key>SESSION_RETRY_CLAUDE_BIN<\/key>\s*<string>\/home\/u\/.local\/bin\/claude<\/string>/)
  t.match(file.text, /<key>StandardOutPath<\/key>\s*<string>\/Users\/u\/a&amp;b\/logs\/supervisor.out<\/string>/)
  t.match(file.text, /<key>RunAtLoad<\/key>\s*<true\/>/)
  t.same(file.disable, [['launchctl', 'unload', '-w', file.path]])
})

t.test('a line break in any value is refused: it would start a new directive', async t => {
  t.throws(() => serviceFile({ ...spec, platform: 'linux', retryHome: '/h\nExecStartPre=/bin/evil' }), /holds a line break/)
  t.throws(() => serviceFile({ ...spec, platform: 'darwin', environment: [['PATH', '/bin\n']] }), /holds a line break/)
})

t.test('the environment a service needs, captured from the installing shell', async t => {
  const env = {
    PATH: '/a:/b',
    HOME: '/home/u',
    SESSION_RETRY_MARGIN_IGNORED: '',
    SESSION_RETRY_RESUME_MARGIN: '30',
    SESSION_RETRY_PORT: '1',
    TZ: 'Europe/Paris',
    CLAUDE_CONFIG_DIR: '/c',
    SECRET_TOKEN: 'x',
  }
  t.same(serviceEnvironment({ env, retryHome: '/r', port: 8891, claudeBin: '/bin/claude' }), [
    ['PATH', '/a:/b'],
    ['SESSION_RETRY_HOME', '/r'],
    ['SESSION_RETRY_PORT', '8891'],
    ['SESSION_RETRY_CLAUDE_BIN', '/bin/claude'],
    ['CLAUDE_CONFIG_DIR', '/c'],
    ['SESSION_RETRY_RESUME_MARGIN', '30'],
    ['TZ', 'Europe/Paris'],
  ], 'settings and the zone are carried; unrelated variables are not')
})

t.test('other platforms get a clear error', async t => {
  t.throws(() => serviceFile({ ...spec, platform: 'win32' }), /no service manager support for win32/)
})
