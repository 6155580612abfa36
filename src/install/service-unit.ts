// `session-retry service install|uninstall`: keep the supervisor always on, as a systemd user unit
// (Linux) or a launchd agent (macOS). The text is built here (pure); the command writes it and says
// how to enable it. A service manager starts the supervisor with almost nothing of the user's
// environment, so the unit carries what a resume needs: PATH, the resolved `claude`, the home, the
// port (see serviceEnvironment). Its output goes where `supervisor start` puts it, so that
// `supervisor status` and `doctor` read it in one place.
import { join } from 'node:path'
import { homePaths } from '../home/home-paths.js'
import { supervisorCommand } from '../hook/autostart-supervisor.js'

export interface ServiceSpec {
  platform: NodeJS.Platform
  /** The user's home folder (where the service file goes). */
  home: string
  nodePath: string
  cliMain: string
  retryHome: string
  /** Variables the supervisor runs with, in order; SESSION_RETRY_HOME is always set from retryHome. */
  environment: [string, string][]
}

export interface ServiceFile {
  path: string
  text: string
  enable: string[]
  /** Stops and disables it, before the file is removed. */
  disable: string[][]
  /** Run after the file is removed. */
  afterRemove: string[][]
}

/** Settings that change what the supervisor does, carried from the shell that ran `service install`. */
const CARRIED = /^(SESSION_RETRY_\w+|CLAUDE_CONFIG_DIR|TZ|LANG|LC_ALL)$/

export interface ServiceEnvironmentInput {
  env: NodeJS.ProcessEnv
  retryHome: string
  port: number
  /** The absolute path of the Claude Code executable resumes run. */
  claudeBin: string
}

/** What the supervisor needs in a service, captured now: a bare `claude` on a service manager's PATH is not found. */
export function serviceEnvironment({ env, retryHome, port, claudeBin }: ServiceEnvironmentInput): [string, string][] {
  const fixed: [string, string][] = [
    ['PATH', env.PATH ?? ''],
    ['SESSION_RETRY_HOME', retryHome],
    ['SESSION_RETRY_PORT', String(port)],
    ['SESSION_RETRY_CLAUDE_BIN', claudeBin],
  ]
  const names = new Set(fixed.map(([name]) => name))
  const carried = Object.entries(env)
    .filter((entry): entry is [string, string] => CARRIED.test(entry[0]) && !names.has(entry[0]) && entry[1] !== undefined && entry[1] !== '')
    .sort(([a], [b]) => a.localeCompare(b))
  return [...fixed, ...carried]
}

export function serviceOutputFile(retryHome: string): string {
  return homePaths(retryHome).supervisorOutput
}

export const SYSTEMD_UNIT = 'session-retry.service'
export const LAUNCHD_LABEL = 'dev.session-retry.supervisor'

export function serviceFile(spec: ServiceSpec): ServiceFile {
  // One value per line in both formats: a line break in a path or a variable would start a new directive.
  const values = [spec.home, spec.nodePath, spec.cliMain, spec.retryHome, ...spec.environment.flat()]
  const broken = values.find(value => /[\0\r\n]/.test(value))
  if (broken !== undefined) throw new Error(`cannot write a service file: ${JSON.stringify(broken.slice(0, 80))} holds a line break`)
  if (spec.platform === 'darwin') {
    const path = join(spec.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`)
    return { path, text: launchdPlist(spec), enable: [`launchctl load -w ${path}`], disable: [['launchctl', 'unload', '-w', path]], afterRemove: [] }
  }
  if (spec.platform === 'linux') {
    const path = join(spec.home, '.config', 'systemd', 'user', SYSTEMD_UNIT)
    return {
      path,
      text: systemdUnit(spec),
      enable: ['systemctl --user daemon-reload', `systemctl --user enable --now ${SYSTEMD_UNIT}`],
      disable: [['systemctl', '--user', 'disable', '--now', SYSTEMD_UNIT]],
      afterRemove: [['systemctl', '--user', 'daemon-reload']],
    }
  }
  throw new Error(`no service manager support for ${spec.platform}: run "session-retry supervisor start" instead`)
}

/** systemd splits ExecStart on spaces: quote each word, escaping what its quoting treats specially. */
function systemdWord(word: string): string {
  return `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%').replaceAll('$', () => '$$')}"`
}

function systemdUnit(spec: ServiceSpec): string {
  return [
    '[Unit]',
    'Description=smart-session-retry supervisor: resumes Claude Code sessions when their limit resets',
    '',
    '[Service]',
    `ExecStart=${supervisorCommand(spec.nodePath, spec.cliMain).map(systemdWord).join(' ')}`,
    ...environmentOf(spec).map(([name, value]) => `Environment=${systemdWord(`${name}=${value}`)}`),
    // append: takes the rest of the line as the path, with specifiers expanded.
    `StandardOutput=append:${serviceOutputFile(spec.retryHome).replaceAll('%', '%%')}`,
    `StandardError=append:${serviceOutputFile(spec.retryHome).replaceAll('%', '%%')}`,
    'Restart=on-failure',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

/** The spec's variables, SESSION_RETRY_HOME set from retryHome. */
function environmentOf(spec: ServiceSpec): [string, string][] {
  const rest = spec.environment.filter(([name]) => name !== 'SESSION_RETRY_HOME')
  return [['SESSION_RETRY_HOME', spec.retryHome], ...rest]
}

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function launchdPlist(spec: ServiceSpec): string {
  const args = supervisorCommand(spec.nodePath, spec.cliMain).map(a => `    <string>${xml(a)}</string>`).join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
${environmentOf(spec).map(([name, value]) => `    <key>${xml(name)}</key>\n    <string>${xml(value)}</string>`).join('\n')}
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>StandardOutPath</key>
  <string>${xml(serviceOutputFile(spec.retryHome))}</string>
  <key>StandardErrorPath</key>
  <string>${xml(serviceOutputFile(spec.retryHome))}</string>
</dict>
</plist>
`
}
