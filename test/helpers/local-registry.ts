// A real npm registry on 127.0.0.1 (verdaccio, a devDependency) for the install tests: nothing is
// proxied to the public registry, anyone may publish, and a user's token is written into a test
// HOME's .npmrc together with `registry=`, which is how Claude Code is told to fetch an npm plugin
// source from it (it refuses an http registry that is not the default one).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './claude-cli.js'
import { waitFor } from './wait-for.js'

export interface LocalRegistry {
  url: string
  /** Makes the registry the default one for npm and Claude Code run with this HOME. */
  writeNpmrc(home: string): Promise<void>
  close(): Promise<void>
}

// runServer gives the plain http server, so it can listen on a free port of 127.0.0.1.
const LAUNCHER = `
const { runServer } = require(process.argv[1])
runServer(process.argv[2]).then(server => {
  server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port))
}, error => { console.error(error); process.exit(1) })
`

function config(storage: string): string {
  return [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(storage, 'htpasswd'))}`,
    '    max_users: 100',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n')
}

export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  const storage = join(dir, 'storage')
  mkdirSync(storage, { recursive: true })
  const configFile = join(dir, 'config.yaml')
  writeFileSync(configFile, config(storage))
  const child: ChildProcess = spawn(process.execPath, ['-e', LAUNCHER, join(repoRoot, 'node_modules', 'verdaccio'), configFile], {
    env: { PATH: process.env.PATH, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', d => (output += d))
  child.stderr!.on('data', d => (output += d))
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()))
  let port: number
  try {
    port = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`)
        return Number(/listening on (\d+)/.exec(output)?.[1]) || undefined
      },
      { timeoutMs: 60_000, intervalMs: 50, what: 'verdaccio listening' },
    )
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`verdaccio did not start: ${(error as Error).message}\n${output}`)
  }
  const url = `http://127.0.0.1:${port}`
  const token = await addUser(url)
  return {
    url,
    async writeNpmrc(home: string) {
      writeFileSync(join(home, '.npmrc'), `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${token}\n`, { mode: 0o600 })
    },
    async close() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** A new registry user (the CouchDB user API npm itself uses); returns its token. */
async function addUser(url: string): Promise<string> {
  const name = 'tester'
  const response = await fetch(`${url}/-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'not-a-secret-1', type: 'user', roles: [], date: new Date().toISOString() }),
  })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || !body.token) throw new Error(`cannot add a registry user: ${response.status} ${JSON.stringify(body)}`)
  return body.token
}
