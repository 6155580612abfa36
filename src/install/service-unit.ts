// `session-retry service install`: keep the supervisor always on, as a systemd user unit (Linux) or
// a launchd agent (macOS). The text is built here (pure); the command writes it and says how to enable it.
import { join } from 'node:path'

export interface ServiceSpec {
  platform: NodeJS.Platform
  home: string
  nodePath: string
  cliMain: string
  retryHome: string
}

export interface ServiceFile {
  path: string
  text: string
  enable: string[]
}

export const SYSTEMD_UNIT = 'session-retry.service'
export const LAUNCHD_LABEL = 'dev.session-retry.supervisor'

export function serviceFile(spec: ServiceSpec): ServiceFile {
  if (spec.platform === 'darwin') {
    const path = join(spec.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`)
    return { path, text: launchdPlist(spec), enable: [`launchctl load -w ${path}`] }
  }
  if (spec.platform === 'linux') {
    const path = join(spec.home, '.config', 'systemd', 'user', SYSTEMD_UNIT)
    return { path, text: systemdUnit(spec), enable: ['systemctl --user daemon-reload', `systemctl --user enable --now ${SYSTEMD_UNIT}`] }
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
    `ExecStart=${[spec.nodePath, spec.cliMain, 'supervisor', 'run'].map(systemdWord).join(' ')}`,
    `Environment=${systemdWord(`SESSION_RETRY_HOME=${spec.retryHome}`)}`,
    'Restart=on-failure',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n')
}

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function launchdPlist(spec: ServiceSpec): string {
  const args = [spec.nodePath, spec.cliMain, 'supervisor', 'run'].map(a => `    <string>${xml(a)}</string>`).join('\n')
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
    <key>SESSION_RETRY_HOME</key>
    <string>${xml(spec.retryHome)}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>StandardErrorPath</key>
  <string>${xml(join(spec.retryHome, 'logs', 'supervisor.out'))}</string>
</dict>
</plist>
`
}
