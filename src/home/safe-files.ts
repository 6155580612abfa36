// Opening, appending, replacing and reading the product's files without ever following a link.
// Every open uses O_NOFOLLOW (a link at the file's own name is refused) and O_NONBLOCK (a planted
// FIFO cannot hang the open), then the open descriptor is checked: a regular file, owned by the
// current user, with no other hard link. Replacing a file writes a temp file in the same folder
// (O_EXCL, so never an existing file or link) and renames it over the target: a rename replaces a
// link itself, never what it points to. The folders are the caller's business (safe-dirs.ts).
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs'
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { Buffer } from 'node:buffer'
import { basename, dirname, join } from 'node:path'
import { currentUid, UnsafeHomeError } from './safe-dirs.js'

const NOFOLLOW = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW
const APPEND_READ = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW
const READ = constants.O_RDONLY | NOFOLLOW

/** Temp files of the atomic writers: `.<name>.<pid>.<random>.tmp` in the target's folder. */
export const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/

/** Why an open descriptor may not be used as one of the product's files, or null. */
export function openedFileProblem(stat: Stats): string | null {
  if (!stat.isFile()) return 'is not a regular file'
  if (stat.nlink > 1) return `has ${stat.nlink - 1} other hard link(s)`
  const uid = currentUid()
  if (uid !== null && stat.uid !== uid) return `belongs to user id ${stat.uid}, not to the current user (${uid})`
  return null
}

function unsafe(file: string, problem: string): UnsafeHomeError {
  return new UnsafeHomeError(`refusing to use ${file}: it ${problem}`)
}

/** ELOOP from O_NOFOLLOW means "a link is there": say so. */
function openError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ELOOP' || code === 'EMLINK' ? unsafe(file, 'is a symbolic link') : error
}

function checkedFd(file: string, flags: number, mode = 0o600): number {
  let fd: number
  try {
    fd = openSync(file, flags, mode)
  } catch (error) {
    throw openError(file, error)
  }
  const problem = openedFileProblem(fstatSync(fd))
  if (problem) {
    closeSync(fd)
    throw unsafe(file, problem)
  }
  return fd
}

async function checkedHandle(file: string, flags: number, mode = 0o600): Promise<FileHandle> {
  let handle: FileHandle
  try {
    handle = await open(file, flags, mode)
  } catch (error) {
    throw openError(file, error)
  }
  const problem = openedFileProblem(await handle.stat())
  if (problem) {
    await handle.close()
    throw unsafe(file, problem)
  }
  return handle
}

/** Opens (creating 0600) for appending; `read` also allows reading it back. The caller closes it. */
export function openAppendSync(file: string, options: { read?: boolean } = {}): number {
  return checkedFd(file, options.read ? APPEND_READ : APPEND)
}

/**
 * Appends `data` in one write. With `maxBytes`, a file that would grow past it is first renamed
 * to `<file>.1` (replacing the previous one), so a log never takes more than twice that.
 */
export function appendFileSafe(file: string, data: string | Buffer, options: { maxBytes?: number } = {}): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data
  let fd = openAppendSync(file)
  try {
    const size = options.maxBytes === undefined ? 0 : fstatSync(fd).size
    if (size > 0 && size + bytes.length > options.maxBytes!) {
      closeSync(fd)
      fd = -1
      renameSync(file, `${file}.1`)
      fd = openAppendSync(file)
    }
    writeSync(fd, bytes)
  } finally {
    if (fd !== -1) closeSync(fd)
  }
}

/** Renames `file` to `<file>.1` when it is larger than `maxBytes` (for logs another process appends to). */
export function rotateIfLarger(file: string, maxBytes: number): boolean {
  let fd: number
  try {
    fd = checkedFd(file, READ)
  } catch {
    return false
  }
  try {
    if (fstatSync(fd).size <= maxBytes) return false
  } finally {
    closeSync(fd)
  }
  renameSync(file, `${file}.1`)
  return true
}

/** Opens for reading, refusing links and non-regular files. The caller closes it. */
export function openReadSync(file: string): number {
  return checkedFd(file, READ)
}

/** The file (at most `maxBytes` of it), refusing links and non-regular files. */
export function readFileSafe(file: string, maxBytes = Infinity): string {
  const fd = checkedFd(file, READ)
  try {
    const chunks: Buffer[] = []
    let total = 0
    const chunk = Buffer.alloc(64 * 1024)
    for (let n; total < maxBytes && (n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes - total), null)) > 0; total += n) {
      chunks.push(Buffer.from(chunk.subarray(0, n)))
    }
    return Buffer.concat(chunks).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

export async function readFileSafeAsync(file: string): Promise<string> {
  const handle = await checkedHandle(file, READ)
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

function tempPath(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomHex8()}.tmp`)
}

/** Uniqueness only (O_EXCL refuses a clash); no node:crypto, which the status line bundle would pay to load. */
function randomHex8(): string {
  return Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0')
}

export interface AtomicWriteOptions {
  /** Flush the data to the disk before the rename (state files); default true. */
  fsync?: boolean
}

/** Replaces `file` with `text` (0600) atomically: readers see the old or the new file, whole. */
export function writeFileAtomicSync(file: string, text: string, options: AtomicWriteOptions = {}): void {
  const temp = tempPath(file)
  const fd = checkedFd(temp, CREATE_NEW)
  try {
    try {
      writeAll(fd, Buffer.from(text))
      if (options.fsync !== false) fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, file)
  } catch (error) {
    removeQuietly(temp)
    throw error
  }
}

/** A write may be short (a disk filling up): the rest is written until done, or its error thrown. */
function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length; ) {
    const wrote = writeSync(fd, data, done)
    if (wrote <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' })
    done += wrote
  }
}

export async function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempPath(file)
  const handle = await checkedHandle(temp, CREATE_NEW)
  try {
    try {
      await handle.writeFile(text)
      if (options.fsync !== false) await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}

/**
 * Creates `file` with `data`, failing if anything (file or link) already has that name. A write
 * that fails (a full disk) removes the file it made: nothing cut is left behind.
 */
export function writeNewFileSync(file: string, data: string | Buffer): void {
  const fd = checkedFd(file, CREATE_NEW)
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data)
  } catch (error) {
    closeSync(fd)
    removeQuietly(file)
    throw error
  }
  closeSync(fd)
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch {
    // already gone
  }
}
