// Which Claude Code is installed: `claude --version` prints e.g. "2.1.331 (Claude Code)". Flags and
// hook events arrived in known versions, and an old CLI refuses a flag it does not know, so what
// the product passes or registers depends on it.
import { execFile } from 'node:child_process'

export function parseClaudeVersion(text: string): string | null {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text)
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}

export function atLeast(version: string | null, since: string): boolean {
  return version !== null && compareVersions(version, since) >= 0
}

/** The installed Claude Code's version, or null when it cannot be run. */
export function claudeVersion(bin: string, args: string[] = []): Promise<string | null> {
  return new Promise(resolve => {
    execFile(bin, [...args, '--version'], { timeout: 15_000 }, (error, stdout) => resolve(error ? null : parseClaudeVersion(String(stdout))))
  })
}
