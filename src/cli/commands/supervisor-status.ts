// `session-retry supervisor status [--json]`: whether a supervisor serves this home, where its HTTP
// API answers, and where its files are.
import { loadConfig } from '../../config/load-config.js'
import { homePaths } from '../../home/home-paths.js'
import { readPidFile } from '../../supervisor/singleton.js'
import type { CliIo } from '../cli-io.js'
import { tildePath } from '../format-path.js'
import { printJson } from '../json-output.js'
import { supervisorHttp, type HttpStatus } from '../supervisor-process.js'
import { supervisorLine, supervisorState } from '../supervisor-state.js'
import type { ReadCommandOptions } from './status.js'

export async function supervisorStatusCommand(options: ReadCommandOptions, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const paths = homePaths(config.home)
  const state = supervisorState(paths)
  const recorded = readPidFile(paths)
  const stalePid = !state.running && recorded !== null ? recorded : null
  const http: HttpStatus | null = state.pid === null ? null : await supervisorHttp(paths, state.pid, config.port)
  const files = { home: paths.home, pidFile: paths.pidFile, log: paths.supervisorLog, output: paths.supervisorOutput }
  if (options.json) {
    printJson(io, { ...state, http, stalePid, ...files })
    return 0
  }
  const home = io.env.HOME
  let text = supervisorLine(state) + '\n'
  if (http) text += `http: ${http.url ?? `none — ${http.problem}`}\n`
  if (stalePid !== null) text += `note: the pid file names pid ${stalePid}, which is not running (a supervisor that did not stop cleanly)\n`
  text += `home: ${tildePath(files.home, home)}\nlog: ${tildePath(files.log, home)}\noutput: ${tildePath(files.output, home)}\n`
  io.stdout(text)
  return 0
}
