// The dashboard's own files (src/http/dashboard/: the page, its stylesheet, its script, its icon),
// read once when the API starts and served from memory under a Content-Security-Policy that allows
// nothing but this origin's own script, style and connections: no inline script or style, no
// frames, no forms, and DOM sinks that take strings (innerHTML) refused by Trusted Types.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types',
].join('; ')

/** The URL path of each file, its name in the dashboard folder, and its type. */
export const DASHBOARD_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
} as const

export type DashboardPath = keyof typeof DASHBOARD_FILES

export interface DashboardAsset {
  body: Buffer
  type: string
}

/** Next to this module: src/http/dashboard/ from sources, dist/src/http/dashboard/ once built. */
export const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url))

export type DashboardAssets = { ok: true; files: Map<DashboardPath, DashboardAsset> } | { ok: false; error: string }

export async function loadDashboardAssets(dir: string = DASHBOARD_DIR): Promise<DashboardAssets> {
  const files = new Map<DashboardPath, DashboardAsset>()
  for (const [path, { file, type }] of Object.entries(DASHBOARD_FILES) as [DashboardPath, (typeof DASHBOARD_FILES)[DashboardPath]][]) {
    try {
      files.set(path, { body: await readFile(join(dir, file)), type })
    } catch (error) {
      return { ok: false, error: `the dashboard file ${join(dir, file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); rebuild with npm run build` }
    }
  }
  return { ok: true, files }
}

/** Headers of every dashboard file: the policy, and no referrer, sniffing or framing. */
export function dashboardHeaders(type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': DASHBOARD_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}
