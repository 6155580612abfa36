// The endpoints, one table: path pattern → handler per method. A request is checked in this
// order: loopback Host/Origin (403) → known path (404) → method (405 + Allow) → bearer token for
// POST (401/403) → session id (400) → content type (415) → body size (413) → JSON (400) → fields (400).
import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { appendRecord } from '../journal/append-record.js'
import { newRecord, type ControlEvent, type JournalRecord } from '../journal/event-record.js'
import { sessionFile } from '../home/home-paths.js'
import { describeBadSessionId, isValidSessionId } from '../home/session-id.js'
import type { SessionStateFile } from '../supervisor/session-store.js'
import { scheduleEntries } from '../supervisor/schedule-entry.js'
import { dashboardData } from './dashboard-data.js'
import { dashboardHeaders, type DashboardAssets, type DashboardPath } from './dashboard-assets.js'
import type { EventStreams } from './event-stream.js'
import { buildHealth, type ErrorTracker } from './health.js'
import type { HttpApiDeps } from './http-api.js'
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js'
import { checkJsonContentType, hasBody, parseJsonBody, readBody } from './read-body.js'
import { checkBearer, checkLoopback } from './request-guards.js'
import { HttpError, sendBody, sendJson, sendText, shown } from './respond.js'
import { countByState, liveStates, publicSession, sessionsBehind } from './session-views.js'

export interface ApiContext {
  deps: HttpApiDeps
  token: string
  errors: ErrorTracker
  assets: DashboardAssets
  streams: EventStreams
}

type Handler = (ctx: ApiContext, req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> | void

interface Route {
  /** Literal segments, `:id` for a session id. */
  pattern: string[]
  GET?: Handler
  POST?: Handler
}

export const MAX_PATH_CHARS = 2048

export const ROUTES: Route[] = [
  { pattern: ['health'], GET: health },
  { pattern: ['sessions'], GET: listSessions },
  { pattern: ['sessions', ':id'], GET: oneSession },
  { pattern: ['sessions', ':id', 'resume'], POST: (ctx, req, res, [id]) => control(ctx, req, res, id!, 'ResumeRequested') },
  { pattern: ['sessions', ':id', 'cancel'], POST: (ctx, req, res, [id]) => control(ctx, req, res, id!, 'ScheduleCancelled') },
  { pattern: ['schedules'], GET: schedules },
  { pattern: ['metrics'], GET: metrics },
  { pattern: ['notify-limit'], POST: notifyLimit },
  { pattern: [''], GET: (ctx, req, res) => dashboardFile(ctx, req, res, '/') },
  { pattern: ['dashboard.css'], GET: (ctx, req, res) => dashboardFile(ctx, req, res, '/dashboard.css') },
  { pattern: ['dashboard.js'], GET: (ctx, req, res) => dashboardFile(ctx, req, res, '/dashboard.js') },
  { pattern: ['favicon.svg'], GET: (ctx, req, res) => dashboardFile(ctx, req, res, '/favicon.svg') },
  { pattern: ['dashboard.json'], GET: dashboard },
  { pattern: ['events'], GET: (ctx, req, res) => ctx.streams.open(req, res) },
]

const HEALTH_ONLY: Route[] = ROUTES.filter(r => r.pattern[0] === 'health')

export async function handleRequest(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, options: { healthOnly: boolean }): Promise<void> {
  checkLoopback(req)
  const path = requestPath(req.url ?? '')
  const segments = path.slice(1).split('/')
  let route: Route | undefined
  let params: string[] = []
  for (const candidate of options.healthOnly ? HEALTH_ONLY : ROUTES) {
    const matched = match(candidate.pattern, segments)
    if (matched) {
      route = candidate
      params = matched
      break
    }
  }
  if (!route) throw new HttpError(404, `no such endpoint: ${shown(path)}${options.healthOnly ? ' (this port serves /health only)' : ''}`)
  const method = req.method ?? ''
  const handler = method === 'GET' || method === 'HEAD' ? route.GET : method === 'POST' ? route.POST : undefined
  if (!handler) {
    const allow = [...(route.GET ? ['GET', 'HEAD'] : []), ...(route.POST ? ['POST'] : [])].join(', ')
    throw new HttpError(405, `method ${shown(method, 20)} is not allowed on ${path}; use ${allow}`, { Allow: allow })
  }
  await handler(ctx, req, res, params)
}

/** The path of the request target, without query; origin-form only. */
function requestPath(target: string): string {
  if (!target.startsWith('/')) throw new HttpError(400, 'the request target must be a path starting with "/"')
  const path = target.split(/[?#]/, 1)[0]!
  if (path.length > MAX_PATH_CHARS) throw new HttpError(414, `the path is longer than ${MAX_PATH_CHARS} characters`)
  return path
}

function match(pattern: string[], segments: string[]): string[] | null {
  if (pattern.length !== segments.length) return null
  const params: string[] = []
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!
    const s = segments[i]!
    if (p === ':id') params.push(s)
    else if (p !== s) return null
  }
  return params
}

/** A session id from the path: percent-decoded, then strictly validated (400 otherwise). */
function sessionIdParam(raw: string): string {
  let id: string
  try {
    id = decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, `session id ${shown(raw)} is not valid percent-encoding`)
  }
  if (!isValidSessionId(id)) throw new HttpError(400, describeBadSessionId(id))
  return id
}

async function health(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = ctx.deps.now()
  sendJson(req, res, 200, await healthBody(ctx, at, liveStates(ctx.deps.supervisor, at)))
}

async function healthBody(ctx: ApiContext, at: number, states: SessionStateFile[]): Promise<Record<string, unknown>> {
  const { supervisor, paths, version } = ctx.deps
  const body = buildHealth({
    now: at,
    version,
    pid: process.pid,
    stats: supervisor.stats,
    states,
    schedules: scheduleEntries(states),
    running: supervisor.runner.running,
    journalLag: await sessionsBehind(supervisor, paths),
    recentErrors: ctx.errors.recent(),
    problems: supervisor.home.problems(),
    starting: supervisor.starting,
  })
  return { ...body, ...ctx.deps.extraHealth?.() }
}

async function dashboard(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = ctx.deps.now()
  const states = liveStates(ctx.deps.supervisor, at)
  sendJson(req, res, 200, dashboardData({ now: at, health: await healthBody(ctx, at, states), states }))
}

function dashboardFile(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, path: DashboardPath): void {
  if (!ctx.assets.ok) throw new HttpError(404, `the dashboard is not available: ${ctx.assets.error}`)
  const asset = ctx.assets.files.get(path)!
  sendBody(req, res, 200, asset.body, dashboardHeaders(asset.type))
}

function listSessions(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  sendJson(req, res, 200, { sessions: liveStates(ctx.deps.supervisor, ctx.deps.now()).map(publicSession) })
}

function oneSession(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, [raw]: string[]): void {
  const id = sessionIdParam(raw!)
  const runtime = ctx.deps.supervisor.sessions.get(id)
  if (!runtime) throw new HttpError(404, `no such session: ${id}`)
  sendJson(req, res, 200, publicSession(runtime.toStateFile(ctx.deps.now())))
}

function schedules(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  sendJson(req, res, 200, { schedules: scheduleEntries(liveStates(ctx.deps.supervisor, ctx.deps.now())) })
}

async function metrics(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { supervisor, paths, version } = ctx.deps
  const states = liveStates(supervisor, ctx.deps.now())
  const text = renderMetrics({
    version,
    byState: countByState(states),
    pendingSchedules: scheduleEntries(states).length,
    resumes: { ...supervisor.runner.counters },
    resumesRunning: supervisor.runner.running,
    eventsApplied: supervisor.stats.eventsApplied,
    linesQuarantined: supervisor.stats.linesQuarantined,
    errors: supervisor.stats.errors,
    ticks: supervisor.stats.ticks,
    journalLag: await sessionsBehind(supervisor, paths),
    uptimeSeconds: Math.floor(process.uptime()),
  })
  sendText(req, res, 200, text, { 'Content-Type': METRICS_CONTENT_TYPE })
}

async function notifyLimit(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { paths, now } = ctx.deps
  checkBearer(req, ctx.token)
  // Loaded on first use: its schema library (zod) would cost the waiting supervisor about 10 MiB.
  const { currentSessionId, limitReportRecord, parseLimitReport } = await import('./limit-report.js')
  checkJsonContentType(req)
  const body = parseJsonBody(await readBody(req))
  const report = parseLimitReport(body, now())
  const sessionId = report.sessionId ?? (await currentSessionId(paths))
  const record = limitReportRecord({ ...report, sessionId }, now())
  append(ctx, record)
  sendJson(req, res, 202, {
    accepted: true,
    sessionId,
    resetAt: record.resetAt === undefined ? null : new Date(record.resetAt).toISOString(),
    eventId: record.id,
  })
}

/** Resume or cancel: the same journal line `session-retry resume|cancel` writes, origin `http`.
 * The body may be empty (no Content-Type needed) or the JSON object `{}`. */
async function control(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, raw: string, event: Extract<ControlEvent, 'ResumeRequested' | 'ScheduleCancelled'>): Promise<void> {
  const { paths, supervisor, now } = ctx.deps
  checkBearer(req, ctx.token)
  const id = sessionIdParam(raw)
  if (req.headers['content-type'] !== undefined || hasBody(req)) checkJsonContentType(req)
  const text = hasBody(req) ? await readBody(req) : Buffer.alloc(0)
  if (text.length > 0) {
    const body = parseJsonBody(text)
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length > 0) {
      throw new HttpError(400, 'this request takes no fields: send no body or {}')
    }
  }
  const runtime = supervisor.sessions.get(id)
  if (!runtime && !existsSync(sessionFile(paths, id, 'journal')) && !existsSync(sessionFile(paths, id, 'state'))) {
    throw new HttpError(404, `no such session: ${id}`)
  }
  const record = newRecord('http', id, event, now())
  append(ctx, record)
  sendJson(req, res, 202, { accepted: true, sessionId: id, event, eventId: record.id, state: runtime?.state ?? null })
}

/** Appends a line, then lets the supervisor apply it (not awaited: the line is the durable record). */
function append(ctx: ApiContext, record: JournalRecord): void {
  const { paths, supervisor, log } = ctx.deps
  try {
    appendRecord(paths, record)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    log.error('http: could not append to the journal', { sessionId: record.sessionId, event: record.event, error: String((error as Error).message) })
    throw new HttpError(500, `could not append to the journal (${code}); see the supervisor log`)
  }
  log.info('http: journaled', { sessionId: record.sessionId, event: record.event, eventId: record.id })
  supervisor.refresh(record.sessionId).catch(error => log.error('http: refresh failed', { sessionId: record.sessionId, error: String(error) }))
}
