// `session-retry supervisor status [--json]`: whether a supervisor serves this home, and where
// its files are.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../journal/home-paths.js'
import { readPidFile } from '../../supervisor/singleton.js'
import type { CliIo } from '../cli-io.js'
import { tildePath } from '../format-path.js'
import { printJson } from '../json-output.js'
import { supervisorLine, supervisorState } from '../supervisor-state.js'
import type { ReadCommandOptions } from './status.js'
import { supervisorOutputFile } from './supervisor-start.js'

export async function supervisorStatusCommand(options: ReadCommandOptions, io: CliIo): Promise<number> {
  const paths = homePaths(loadConfig(io.env, io.cwd).home)
  const state = supervisorState(paths)
  const recorded = readPidFile(paths)
  const stalePid = !state.running && recorded !== null ? recorded : null
  const files = { home: paths.home, pidFile: paths.pidFile, log: paths.supervisorLog, output: supervisorOutputFile(paths) }
  if (options.json) {
    printJson(io, { ...state, stalePid, ...files })
    return 0
  }
  const home = io.env.HOME
  let text = supervisorLine(state) + '\n'
  if (stalePid !== null) text += `note: the pid file names pid ${stalePid}, which is not running (a supervisor that did not stop cleanly)\n`
  text += `home: ${tildePath(files.home, home)}\nlog: ${tildePath(files.log, home)}\noutput: ${tildePath(files.output, home)}\n`
  io.stdout(text)
  return 0
}
