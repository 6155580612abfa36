// The folders the product writes in. Whoever can write to the home (or swap one of its folders for
// a symbolic link) could redirect the product's writes anywhere its user can write, or plant a
// journal whose `cwd` a resume then runs in. So the home must be a folder owned by the current
// user that nobody else can write to, and every folder below it is a real folder (never a link)
// with the same owner and no write access for others. Checked on every use, with lstat: a few
// microseconds per write, and a link planted while the supervisor runs is refused too.
import { lstatSync, mkdirSync, statSync, type Stats } from 'node:fs'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'

/** How many missing parent folders `makeDirs` creates at most. */
export const MAX_DIR_DEPTH = 16

/** A home or a folder in it that must not be used; `message` says why and what to do. */
export class UnsafeHomeError extends Error {
  readonly code = 'EUNSAFE'
}

/**
 * Creates `dir` (0700) and its missing parents, at most {@link MAX_DIR_DEPTH} levels. Not
 * `mkdirSync(dir, { recursive: true })`: on Node 20 that spins forever where mkdir keeps
 * answering ENOENT with the parent present (`/proc/x`).
 */
export function makeDirs(dir: string, depth = 0): void {
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return
    const parent = dirname(dir)
    if (code !== 'ENOENT' || depth >= MAX_DIR_DEPTH || parent === dir) throw error
    makeDirs(parent, depth + 1)
    try {
      mkdirSync(dir, { mode: 0o700 })
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again
    }
  }
}

let uid: number | null | undefined

/**
 * The current user id, asked once: process.getuid() costs about 10 µs, a supervisor checks it
 * several times per state file it writes, and the product never changes its process's user.
 */
export function currentUid(): number | null {
  if (uid === undefined) uid = typeof process.getuid === 'function' ? process.getuid() : null
  return uid
}

/** Why `path` (described by `stat`) may not hold the product's files, or null when it may. */
export function folderProblem(path: string, stat: Stats): string | null {
  if (stat.isSymbolicLink()) return `${path} is a symbolic link`
  if (!stat.isDirectory()) return `${path} is not a folder`
  const uid = currentUid()
  if (uid !== null && stat.uid !== uid) return `${path} belongs to user id ${stat.uid}, not to the current user (${uid})`
  if ((stat.mode & 0o022) !== 0) {
    const who = (stat.mode & 0o020 ? ['its group'] : []).concat(stat.mode & 0o002 ? ['everyone'] : []).join(' and ')
    return `${path} is writable by ${who} (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`
  }
  return null
}

function refuse(home: string, problem: string): UnsafeHomeError {
  return new UnsafeHomeError(
    `refusing to use the home folder ${home}: ${problem}; another user could redirect what session-retry writes. ` +
      'Make it yours and private (chown, chmod 700) or set SESSION_RETRY_HOME to a folder only you can write',
  )
}

/**
 * The home exists (created 0700 with its parents when missing), is a folder owned by the current
 * user, and nobody else can write to it. The home itself may be a link the user made (its target
 * is checked); the folders below it may not. Throws an error naming SESSION_RETRY_HOME.
 */
export function ensureHome(home: string): void {
  // Looked at first: the home is there on every call but the first, and a mkdir that fails with
  // EEXIST costs ten times a stat (a supervisor calls this for every state file it writes).
  let stat: Stats | undefined
  try {
    stat = statSync(home, { throwIfNoEntry: false })
  } catch {
    // Not readable as it is: makeDirs says why, in the error below.
  }
  if (!stat) {
    try {
      makeDirs(home)
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      throw Object.assign(new Error(`cannot create the home folder ${home} (${e.code ?? e.message}); set SESSION_RETRY_HOME to a folder you can write`), { code: e.code })
    }
    stat = statSync(home)
  }
  const problem = folderProblem(home, stat)
  if (problem) throw refuse(home, problem)
}

/** `dir`, a folder inside `home`: every folder from the home down to it is created when missing and checked. */
export function ensureHomeDir(home: string, dir: string): void {
  ensureHome(home)
  walkHomeDir(home, dir, true)
}

/** Like ensureHomeDir, for a reader: false when `dir` (or the home) does not exist; nothing is created. */
export function checkHomeDir(home: string, dir: string): boolean {
  let stat: Stats
  try {
    stat = statSync(home)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
  const problem = folderProblem(home, stat)
  if (problem) throw refuse(home, problem)
  return walkHomeDir(home, dir, false)
}

function walkHomeDir(home: string, dir: string, create: boolean): boolean {
  const rest = relative(home, dir)
  if (rest.startsWith('..') || isAbsolute(rest)) throw new Error(`${dir} is not inside the home folder ${home}`)
  let current = home
  for (const part of rest.split(sep).filter(Boolean)) {
    current = join(current, part)
    const stat = lstatFolder(current, create)
    if (!stat) return false
    const problem = folderProblem(current, stat)
    if (problem) throw refuse(home, problem)
  }
  return true
}

function lstatFolder(dir: string, create: boolean): Stats | null {
  try {
    return lstatSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    if (!create) return null
  }
  try {
    mkdirSync(dir, { mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return lstatSync(dir)
}
