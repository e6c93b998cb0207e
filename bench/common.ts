import { performance } from 'node:perf_hooks';

/**
 * Helpers shared by the benchmark orchestrator (bench/run.ts, in the agent's process) and the
 * client processes (bench/client-process.ts). Nothing here has side effects at import time.
 */

/** Marker a producer prints once it is past its `read` (so the payload starts right after it). */
export const READY_MARKER = '__TFB_READY__';
/** Printed by producers after the payload. */
export const DONE_MARKER = '__TFB_DONE__';

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on this
 * machine (timeOrigin is taken from the system clock at process start).
 */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Monotonic milliseconds (same process only). */
export function monoMs(): number {
  return performance.now();
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** MB/s in decimal megabytes (10^6), as in performance.md. */
export function mbps(bytes: number, ms: number): number {
  return ms > 0 ? bytes / 1e6 / (ms / 1000) : 0;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects after `ms` unless `promise` settles first (every wait in the bench is bounded). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line of a request/response exchange between the orchestrator and a client process. */
export interface RpcRequest {
  id: number;
  cmd: string;
  args: unknown;
}

export interface RpcResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A program the bench runs in a PTY of its own (the baselines beside the agent). */
export interface PtyProgramOptions {
  argv: string[];
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

/** Where and how client processes reach the agent. */
export interface AgentEndpoint {
  httpUrl: string;
  wsUrl: string;
  token: string;
}

/** The endpoint of an agent serving at `httpUrl` (its WebSocket is `/ws` there), with `token`. */
export function agentEndpoint(httpUrl: string, token: string): AgentEndpoint {
  return { httpUrl, wsUrl: httpUrl.replace(/^http/, 'ws') + '/ws', token };
}

/** Result of one flood client (payload region hashed and compared by offset). */
export interface FloodClientResult {
  /** Absolute stream offset of the first payload byte (null if the READY marker never came). */
  payloadStart: number | null;
  /** Payload bytes received (in the payload region). */
  bytes: number;
  /** Wall-clock ms when the first / last payload byte arrived. */
  firstAt: number;
  lastAt: number;
  /** sha256 of the payload bytes in arrival order (hex). */
  sha256: string;
  /** Every payload byte arrived, in order, with the expected hash. */
  complete: boolean;
  /** Bytes that differed from the expected payload at their offset (must be 0 always). */
  mismatchedBytes: number;
  /** OUTPUT frames whose offset did not continue the previous one (without a SNAPSHOT in between). */
  offsetGaps: number;
  /** SNAPSHOT frames after the first one (resyncs: the client fell out of the ring). */
  resyncs: number;
  /** WebSocket message bytes received in total (all frame types). */
  wireBytes: number;
  frames: number;
  error?: string;
  /** Offset after the last OUTPUT byte received (diagnostics). */
  nextOffset?: number | null;
  /** The first discontinuity (diagnostics). */
  firstGap?: { expected: number; got: number; frameIndex: number; recent: string[] } | null;
}
