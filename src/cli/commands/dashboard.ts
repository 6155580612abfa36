// `session-retry dashboard [--no-open] [--json]`: the live page of the running supervisor, with
// the API token (needed to resume or cancel from the page) handed over in the URL fragment,
// which a browser never sends to a server nor writes in a request line. To open the page, the
// URL goes into <home>/dashboard.html (0600, beside the api-token file it copies) and the
// browser is given that file's path, so the token is not on any command line `ps` can show.
import { spawn } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { loadConfig } from '../../config/load-config.js'
import { homePaths, type HomePaths } from '../../home/home-paths.js'
import { ensureHome } from '../../home/safe-dirs.js'
import { writeFileAtomic } from '../../home/safe-files.js'
import { readApiToken } from '../../http/api-token.js'
import { HTTP_HOST } from '../../http/http-api.js'
import type { CliIo } from '../cli-io.js'
import { printJson } from '../json-output.js'
import { START_HINT, supervisorState } from '../supervisor-state.js'

export interface DashboardOptions {
  /** commander's `--no-open` sets this to false. */
  open?: boolean
  json?: boolean
}

/** How long the supervisor gets to answer /health before the page is declared unreachable. */
export const HEALTH_TIMEOUT_MS = 2_000

export async function dashboardCommand(options: DashboardOptions, io: CliIo): Promise<number> {
  const config = loadConfig(io.env, io.cwd)
  const paths = homePaths(config.home)
  const fail = (message: string) => {
    io.stderr(`session-retry: ${message}\n`)
    return 1
  }
  const supervisor = supervisorState(paths)
  if (!supervisor.running) return fail(`no supervisor is running, so there is no dashboard — ${START_HINT}`)
  if (config.port === 0) return fail('SESSION_RETRY_PORT is 0 (a free port picked at start), so the page has no known address; set a fixed port')
  const problem = await servedBy(config.port, supervisor.pid!)
  if (problem) return fail(problem)
  const token = await readApiToken(paths)
  if (token === null) return fail(`the supervisor has not written its API token (${paths.tokenFile}) yet; try again in a moment`)
  const page = `http://${HTTP_HOST}:${config.port}/`
  const url = `${page}#token=${token}`
  const opened = options.open === false ? null : await openPage(paths, url, io)
  if (options.json) {
    printJson(io, { url, opened: opened === true })
    return 0
  }
  if (opened === true) io.stdout(`opened the dashboard in your browser: ${page}\n`)
  else {
    if (opened !== null) io.stderr(`note: ${opened}; open this URL yourself\n`)
    io.stdout(`${url}\n`)
  }
  return 0
}

/** Null when `port` answers /health as the supervisor `pid`, else why not. */
async function servedBy(port: number, pid: number): Promise<string | null> {
  try {
    const response = await fetch(`http://${HTTP_HOST}:${port}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
    const body = (await response.json().catch(() => ({}))) as { pid?: unknown }
    if (body.pid === pid) return null
    return `port ${port} is answered by another program (pid ${String(body.pid ?? '?')}), not this home's supervisor (pid ${pid}); see session-retry doctor`
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name
    return `the supervisor (pid ${pid}) does not answer on port ${port} (${code}); see session-retry logs`
  }
}

/** True once a browser opener started, else why it could not. */
async function openPage(paths: HomePaths, url: string, io: CliIo): Promise<true | string> {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open'
  if (opener === null) return `opening a browser is not supported on ${process.platform}`
  ensureHome(paths.home)
  await writeFileAtomic(paths.dashboardHandoff, handoffPage(url), { fsync: false })
  return new Promise(resolve => {
    const child = spawn(opener, [pathToFileURL(paths.dashboardHandoff).href], { env: io.env, cwd: io.cwd, detached: true, stdio: 'ignore' })
    child.once('error', error => resolve(`cannot run ${opener} (${(error as NodeJS.ErrnoException).code ?? error.message})`))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}

/** A page that moves on to `url` at once; `url` holds only URL-safe characters (port, base64url token). */
export function handoffPage(url: string): string {
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0; url=${attr}">`,
    '<title>session-retry dashboard</title>',
    `<p><a href="${attr}">Open the session-retry dashboard</a></p>`,
    '',
  ].join('\n')
}
