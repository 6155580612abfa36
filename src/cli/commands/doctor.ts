// `session-retry doctor [--json]`: is everything in place for limits to be noticed and resumed?
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import type { CliIo } from '../cli-io.js'
import { runChecks } from '../doctor-checks.js'
import { printJson } from '../json-output.js'

export async function doctorCommand(options: { json?: boolean }, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const checks = await runChecks(config, homePaths(config.home), io.env, io.cwd, io.now())
  const failed = checks.filter(c => !c.ok)
  if (options.json) printJson(io, { ok: failed.length === 0, checks })
  else io.stdout(checks.map(c => `${c.ok ? (c.warning ? '!' : '✓') : '✗'} ${c.name}: ${c.detail}`).join('\n') + '\n')
  return failed.length === 0 ? 0 : 1
}
