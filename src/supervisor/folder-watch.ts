// One fs.watch on a folder. On Linux that is one inotify watch, which names the file of each change
// and lists nothing: a change costs the supervisor one callback, whatever the folder holds.
// A watch is a hint. It may be lost (an error, or its folder removed and made again); renew(),
// called by the periodic reconcile, sets it up anew, and the reconcile reads what it missed.
import { statSync, watch, type FSWatcher } from 'node:fs'
import { basename } from 'node:path'

export class FolderWatch {
  private watcher: FSWatcher | null = null
  /** Which folder is watched: one removed and made again is another. */
  private identity: string | null = null

  constructor(
    private readonly dir: string,
    /** A file in the folder changed; null when the platform did not say which. */
    private readonly onName: (name: string | null) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Watches the folder, unless this very folder is watched already. */
  renew(): void {
    if (this.watcher && folderIdentity(this.dir) === this.identity) return
    this.close()
    this.identity = folderIdentity(this.dir)
    const self = basename(this.dir)
    try {
      const watcher = watch(this.dir, (_type, name) => {
        // The folder itself went away: this watch sees nothing more, the next renew() sets up another.
        if (name === self) return this.lose(watcher)
        this.onName(typeof name === 'string' ? name : null)
      })
      watcher.on('error', error => {
        this.lose(watcher)
        this.onError(error)
      })
      this.watcher = watcher
    } catch (error) {
      this.onError(error)
    }
  }

  close(): void {
    this.watcher?.close()
    this.watcher = null
  }

  private lose(watcher: FSWatcher): void {
    watcher.close()
    if (this.watcher === watcher) this.watcher = null
  }
}

function folderIdentity(dir: string): string | null {
  try {
    const stat = statSync(dir)
    return `${stat.dev}:${stat.ino}:${stat.birthtimeMs}`
  } catch {
    return null
  }
}
