// The HTTP API (the README's "HTTP API" section): node:http on 127.0.0.1 only, `config.port` (0: any free port),
// plus `/health` alone on `config.healthPort` when that differs. The same server serves the
// dashboard (`/`, its files, `/dashboard.json` and the `/events` stream). No request can crash it: every
// handler is wrapped, malformed HTTP gets a 400 written to the socket, slow clients time out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Config } from '../config/load-config.js'
import type { HomePaths } from '../home/home-paths.js'
import type { Logger } from '../home/logger.js'
import type { Supervisor } from '../supervisor/supervisor.js'
import { ensureApiToken } from './api-token.js'
import { dashboardSession } from './dashboard-data.js'
import { loadDashboardAssets } from './dashboard-assets.js'
import { EventStreams } from './event-stream.js'
import { ErrorTracker, ERROR_SAMPLE_MS } from './health.js'
import { ClientGoneError } from './read-body.js'
import { HttpError, rawJsonResponse, sendError } from './respond.js'
import { handleRequest, type ApiContext } from './routes.js'
import { MAX_REQUEST_HEADERS } from './request-guards.js'

export const HTTP_HOST = '127.0.0.1'

/** Server limits: small, because every legitimate request is a few hundred bytes from this machine. */
export const SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  /** Idle sockets (connected, sending nothing) are closed after this. */
  socketTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  /** One more than MAX_REQUEST_HEADERS: a request that has that many is refused (request-guards.ts). */
  maxHeadersCount: MAX_REQUEST_HEADERS + 1,
  maxConnections: 256,
}

export interface HttpApiDeps {
  config: Config
  paths: HomePaths
  supervisor: Supervisor
  log: Logger
  now: () => number
  version: string
  /** More fields for /health from the parts around the supervisor (usage, integrations). */
  extraHealth?: () => Record<string, unknown>
}

export interface HttpApi {
  /** The port the API listens on (the real one when `config.port` is 0). */
  port: number
  /** The separate /health port, or null when /health is served on `port` only. */
  healthPort: number | null
  close(): Promise<void>
}

export async function startHttpApi(deps: HttpApiDeps): Promise<HttpApi> {
  const { config, log } = deps
  const assets = await loadDashboardAssets()
  if (!assets.ok) log.warn('dashboard not available', { error: assets.error })
  const streams = new EventStreams(id => {
    const runtime = deps.supervisor.sessions.get(id)
    return runtime ? dashboardSession(runtime.toStateFile(deps.now())) : null
  })
  // The supervisor has no way to remove a listener: a closed API's streams ignore transitions.
  deps.supervisor.onTransition(transition => streams.onTransition(transition))
  const ctx: ApiContext = { deps, token: await ensureApiToken(deps.paths), errors: new ErrorTracker(deps.supervisor.stats, deps.now), assets, streams }
  const main = createApiServer(ctx, { healthOnly: false })
  const port = await listen(main, config.port, 'SESSION_RETRY_PORT')
  let health: Server | null = null
  let healthPort: number | null = null
  if (config.healthPort !== config.port) {
    health = createApiServer(ctx, { healthOnly: true })
    try {
      healthPort = await listen(health, config.healthPort, 'SESSION_RETRY_HEALTH_PORT')
    } catch (error) {
      await closeServer(main)
      throw error
    }
  }
  const sampler = setInterval(() => ctx.errors.sample(), ERROR_SAMPLE_MS)
  sampler.unref()
  log.info('http api listening', { host: HTTP_HOST, port, healthPort })
  let closing: Promise<void> | null = null
  return {
    port,
    healthPort,
    close() {
      closing ??= (async () => {
        clearInterval(sampler)
        streams.close()
        await Promise.all([closeServer(main), health ? closeServer(health) : Promise.resolve()])
      })()
      return closing
    },
  }
}

function createApiServer(ctx: ApiContext, options: { healthOnly: boolean }): Server {
  const { log } = ctx.deps
  const server = createServer({
    headersTimeout: SERVER_LIMITS.headersTimeoutMs,
    requestTimeout: SERVER_LIMITS.requestTimeoutMs,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
    // How often the header and request time limits are checked: a timer that wakes the waiting
    // supervisor, so not too often; a slow sender is cut within headersTimeout plus this.
    connectionsCheckingInterval: 10_000,
    maxHeaderSize: SERVER_LIMITS.maxHeaderBytes,
    // Checked by the handler, so the caller gets a JSON error saying why.
    requireHostHeader: false,
  })
  server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount
  server.maxConnections = SERVER_LIMITS.maxConnections
  server.setTimeout(SERVER_LIMITS.socketTimeoutMs, socket => socket.destroy())
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => {})
    res.on('error', () => {})
    handleRequest(ctx, req, res, options).catch(error => answerError(ctx, req, res, error))
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
    const message =
      status === 431
        ? `the request headers are larger than ${SERVER_LIMITS.maxHeaderBytes / 1024} KiB`
        : status === 408
          ? 'the request took too long to arrive'
          : `malformed HTTP request${error.code ? ` (${error.code})` : ''}`
    refuseSocket(socket, status, message, error.code !== 'ECONNRESET')
  })
  // CONNECT and unusual expectations are refused in JSON too. No 'upgrade' listener on purpose:
  // an upgrade offer (curl's h2c, a websocket) is then answered as the plain HTTP/1.1 request it also is.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuseSocket(socket, 405, 'CONNECT is not supported', true))
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => sendError(req, res, 417, 'only "Expect: 100-continue" is supported'))
  server.on('error', error => log.error('http server error', { error: String(error) }))
  return server
}

function answerError(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (error instanceof ClientGoneError) {
    res.destroy()
    return
  }
  if (res.headersSent || res.destroyed) {
    res.destroy()
    return
  }
  if (error instanceof HttpError) {
    ctx.deps.log.debug('http: refused', { method: req.method, status: error.status, error: error.message })
    sendError(req, res, error.status, error.message, error.headers)
    return
  }
  ctx.deps.log.error('http: request failed', { method: req.method, error: String((error as Error)?.stack ?? error) })
  sendError(req, res, 500, 'internal error; see the supervisor log')
}

/** Answers on a socket that has no response object, then closes it. */
function refuseSocket(socket: Duplex, status: number, message: string, answer: boolean): void {
  // Garbage after a good request (a body sent without framing, say): the request already being
  // answered gets its answer, then the connection closes; nothing more is read from it.
  const inFlight = (socket as Partial<Socket> & { _httpMessage?: ServerResponse | null })._httpMessage
  if (inFlight && !inFlight.writableFinished) {
    if (!inFlight.headersSent) inFlight.setHeader('Connection', 'close')
    const destroy = () => socket.destroy()
    inFlight.once('finish', destroy)
    inFlight.once('close', destroy)
    setTimeout(destroy, 5_000).unref()
    return
  }
  if (answer && socket.writable && !inFlight) {
    socket.end(rawJsonResponse(status, message))
    setTimeout(() => socket.destroy(), 1_000).unref()
  } else socket.destroy()
}

function listen(server: Server, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.code ?? error.message})`
      reject(new Error(`HTTP API: port ${port} on ${HTTP_HOST} ${why}; set ${variable} to another port`))
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen({ host: HTTP_HOST, port, exclusive: true })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise(resolve => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
