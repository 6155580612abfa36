// The bearer token for mutating requests: 32 random bytes (base64url) in <home>/api-token, mode
// 0600, created once by the first supervisor start and read by the CLI. Created with `wx`, so two
// starters never overwrite each other's token; a wider mode found later is narrowed.
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, open, unlink, writeFile } from 'node:fs/promises'
import type { HomePaths } from '../home/home-paths.js'
import { ensureHome } from '../home/safe-dirs.js'
import { UNWRITABLE_CODES } from '../supervisor/home-writes.js'

export const TOKEN_BYTES = 32
/** base64url of 32 bytes is 43 characters; an older or hand-made token must still be long. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,512}$/

export function newApiToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

export async function ensureApiToken(paths: HomePaths): Promise<string> {
  ensureHome(paths.home)
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = newApiToken()
    try {
      await writeFile(paths.tokenFile, token + '\n', { flag: 'wx', mode: 0o600 })
      return token
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      // A full or read-only home at the first start: the API still serves reads; no client can
      // send the token until a later start writes it.
      if (UNWRITABLE_CODES.has(code)) return token
      if (code !== 'EEXIST') throw error
    }
    const existing = await readTokenFile(paths.tokenFile)
    if (existing !== null) return existing
    // Empty or garbage (a crash between create and write, or a hand edit): replace it.
    await unlink(paths.tokenFile).catch(error => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    })
  }
  throw new Error(`could not create the API token file ${paths.tokenFile}`)
}

/** The token a supervisor created, or null when there is none yet (no supervisor ever started). */
export async function readApiToken(paths: HomePaths): Promise<string | null> {
  try {
    return await readTokenFile(paths.tokenFile)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** The token in an existing file, or null if the file holds no usable token. Narrows its mode to 0600. */
async function readTokenFile(file: string): Promise<string | null> {
  const info = await lstat(file)
  if (!info.isFile()) throw new Error(`${file} is not a regular file; refusing to use it as the API token`)
  // O_NOFOLLOW: a symlink swapped in after the lstat is refused, not followed.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  try {
    const stat = await handle.stat()
    if ((stat.mode & 0o077) !== 0) await handle.chmod(0o600)
    const text = (await handle.readFile('utf8')).trim()
    return TOKEN_PATTERN.test(text) ? text : null
  } finally {
    await handle.close()
  }
}
