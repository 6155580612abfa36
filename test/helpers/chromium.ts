// A headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in NUL, commands on fd 3, answers on fd 4).
// No driver package and no browser download: the test talks to the real browser directly.
// Each browser gets its own profile folder, removed on close.
import { spawn, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { waitFor } from './wait-for.js'

/** `CHROMIUM_BIN`, else `chromium` on PATH, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CHROMIUM_BIN ? [env.CHROMIUM_BIN] : (env.PATH ?? '').split(delimiter).filter(Boolean).map(dir => join(dir, 'chromium'))
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {}
  }
  return null
}

type Params = Record<string, unknown>
type Listener = (params: any, sessionId: string | undefined) => void

export interface ConsoleEntry {
  source: string
  level: string
  text: string
}

export class Browser {
  private nextId = 1
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>()
  private readonly listeners = new Map<string, Listener[]>()
  private exited = false

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable
    let buffered = Buffer.alloc(0)
    output.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
        this.dispatch(JSON.parse(buffered.subarray(0, end).toString('utf8')))
        buffered = buffered.subarray(end + 1)
      }
    })
    child.on('exit', () => {
      this.exited = true
      for (const { reject, method } of this.waiting.values()) reject(new Error(`chromium exited before answering ${method}`))
      this.waiting.clear()
    })
  }

  static async launch(bin: string): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'session-retry-chromium-'))
    const args = [
      '--headless',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-extensions',
      '--disable-sync',
      '--disable-background-networking',
      '--disable-component-update',
      '--mute-audio',
      '--hide-scrollbars',
      // Root (CI, containers) cannot use Chromium's sandbox.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      'about:blank',
    ]
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr!.on('data', d => (stderr = (stderr + d).slice(-4000)))
    const browser = new Browser(child, profile)
    try {
      await browser.send('Browser.getVersion', {})
    } catch (error) {
      await browser.close()
      throw new Error(`chromium did not start: ${(error as Error).message}\n${stderr}`)
    }
    return browser
  }

  send<T = any>(method: string, params: Params = {}, sessionId?: string): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`chromium has exited; cannot send ${method}`))
    const id = this.nextId++
    const input = this.child.stdio[3] as Writable
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, method })
      input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0')
    })
  }

  on(method: string, listener: Listener): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), listener])
  }

  /** A new tab with the console, log, exceptions and CSP violations recorded. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true })
    const page = new Page(this, sessionId, targetId)
    await page.init()
    return page
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise(resolve => this.child.once('exit', resolve))
      this.send('Browser.close').catch(() => {})
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(this.profile, { recursive: true, force: true })
  }

  private dispatch(message: { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown; sessionId?: string }): void {
    if (message.id !== undefined) {
      const waiting = this.waiting.get(message.id)
      this.waiting.delete(message.id)
      if (message.error) waiting?.reject(new Error(`${waiting.method}: ${message.error.message}`))
      else waiting?.resolve(message.result)
      return
    }
    for (const listener of this.listeners.get(message.method ?? '') ?? []) listener(message.params, message.sessionId)
  }
}

export class Page {
  readonly console: ConsoleEntry[] = []
  /** `securitypolicyviolation` events seen by the page: the directive and what was blocked. */
  readonly violations: string[] = []

  constructor(
    private readonly browser: Browser,
    readonly sessionId: string,
    readonly targetId: string,
  ) {}

  async init(): Promise<void> {
    const mine = (listener: Listener): Listener => (params, sessionId) => sessionId === this.sessionId && listener(params, sessionId)
    this.browser.on(
      'Runtime.consoleAPICalled',
      mine(p => this.console.push({ source: 'console', level: p.type, text: p.args.map((a: any) => a.value ?? a.description ?? '').join(' ') })),
    )
    this.browser.on('Log.entryAdded', mine(p => this.console.push({ source: p.entry.source, level: p.entry.level, text: `${p.entry.text}${p.entry.url ? ` (${p.entry.url})` : ''}` })))
    this.browser.on('Runtime.exceptionThrown', mine(p => this.console.push({ source: 'exception', level: 'error', text: p.exceptionDetails.exception?.description ?? p.exceptionDetails.text })))
    this.browser.on('Runtime.bindingCalled', mine(p => p.name === 'reportViolation' && this.violations.push(p.payload)))
    await this.send('Runtime.enable')
    await this.send('Log.enable')
    await this.send('Page.enable')
    await this.send('Runtime.addBinding', { name: 'reportViolation' })
    // Injected by the DevTools protocol, so the page's own CSP does not apply to this listener.
    await this.send('Page.addScriptToEvaluateOnNewDocument', {
      source: `document.addEventListener('securitypolicyviolation', e => reportViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + (e.sample ? ': ' + e.sample : '')))`,
    })
  }

  send<T = any>(method: string, params: Params = {}): Promise<T> {
    return this.browser.send<T>(method, params, this.sessionId)
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>(resolve => this.browser.on('Page.loadEventFired', (_p, sessionId) => sessionId === this.sessionId && resolve()))
    const { errorText } = await this.send('Page.navigate', { url })
    if (errorText) throw new Error(`navigating to ${url}: ${errorText}`)
    await loaded
  }

  /** The value of an expression in the page (promises awaited); a thrown error is rethrown here. */
  async evaluate<T = any>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`)
    return result.value as T
  }

  /** Polls an expression until it is truthy; returns its value. */
  waitFor<T = any>(expression: string, what: string, timeoutMs = 30_000): Promise<T> {
    // A page that is navigating (the hand-over page moving on to the dashboard) cannot answer an
    // evaluate; that is "not yet", not a failure.
    const attempt = async () => (await this.evaluate<T>(expression).catch(error => {
      if (/navigated or closed|Cannot find context/i.test((error as Error).message)) return undefined
      throw error
    })) || undefined
    return waitFor(attempt, { timeoutMs, intervalMs: 25, what })
  }

  async viewport(width: number, height: number, options: { dark?: boolean } = {}): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: width < 600 })
    await this.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: options.dark ? 'dark' : 'light' }] })
  }

  /** A PNG of the whole page (beyond the viewport) written to `file`. */
  async screenshot(file: string): Promise<void> {
    const { cssContentSize } = await this.send('Page.getLayoutMetrics')
    const { data } = await this.send('Page.captureScreenshot', {
      format: 'png',
      captureBeyondViewport: true,
      clip: { x: 0, y: 0, width: Math.ceil(cssContentSize.width), height: Math.ceil(cssContentSize.height), scale: 1 },
    })
    writeFileSync(file, Buffer.from(data, 'base64'))
  }

  async close(): Promise<void> {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {})
  }
}
