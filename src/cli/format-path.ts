// Paths as people read them: `~` for the home folder, long paths cut at the start.

/** `~` for the home folder and paths under it; anything else as is; `—` for none. */
export function tildePath(path: unknown, home: string | undefined): string {
  if (typeof path !== 'string' || path === '') return '—'
  if (!home || home === '/') return path
  const base = home.endsWith('/') ? home.slice(0, -1) : home
  if (path === base) return '~'
  return path.startsWith(base + '/') ? '~' + path.slice(base.length) : path
}

/** Keeps the end of a long text (the interesting end of a path), marking the cut with `…`. */
export function keepTail(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : '…' + chars.slice(chars.length - max + 1).join('')
}
