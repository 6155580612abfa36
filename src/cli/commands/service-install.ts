// `session-retry service install [--dry-run]`: an always-on supervisor (systemd user unit / launchd agent).
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { loadConfig } from '../../config/load-config.js'
import { packageRoot } from '../../install/package-root.js'
import { serviceFile } from '../../install/service-unit.js'
import type { CliIo } from '../cli-io.js'

export async function serviceInstallCommand(options: { dryRun?: boolean }, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const home = io.env.HOME
  if (!home) throw new Error('HOME is not set: cannot tell where the service file goes')
  const file = serviceFile({ platform: process.platform, home, nodePath: process.execPath, cliMain: join(packageRoot(), 'dist', 'src', 'cli', 'main.js'), retryHome: config.home })
  if (options.dryRun) {
    io.stdout(`${file.path} would hold:\n${file.text}`)
    return 0
  }
  await mkdir(dirname(file.path), { recursive: true })
  await writeFileAtomic(file.path, file.text, { mode: 0o644 })
  io.stdout(`wrote ${file.path}\nenable it with:\n${file.enable.map(c => `  ${c}`).join('\n')}\n`)
  return 0
}
