// A program run to completion with its output collected: the tests' one way to run a command.
import { spawn } from 'node:child_process'

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export function runProcess(file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; stdin?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}
