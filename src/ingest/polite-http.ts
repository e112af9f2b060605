// HTTP for ingestion: one request at a time per client with a minimum interval (arXiv asks for
// at most one request every 3 s), a descriptive User-Agent, timeouts, retries with exponential
// backoff and jitter on 5xx/429/network errors honouring Retry-After, and a cap on body size.
export interface PoliteHttpOptions {
  /** Names the source in errors and logs, e.g. "arXiv API". */
  source: string;
  userAgent: string;
  /** Minimum time between the starts of two requests. */
  minIntervalMs: number;
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First backoff; doubles each retry, with ±50 % jitter. */
  backoffMs?: number;
  /** Longest wait we accept from Retry-After or backoff. */
  maxBackoffMs?: number;
  maxBodyBytes?: number;
}

export class HttpSourceError extends Error {
  override name = 'HttpSourceError';
  constructor(
    message: string,
    readonly source: string,
    readonly url: string,
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(`${source}: ${message} (${url})`);
  }
}

export interface HttpResponse {
  status: number;
  contentType: string;
  body: string;
  url: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PoliteHttpClient {
  private nextStart = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly o: Required<PoliteHttpOptions>;

  constructor(options: PoliteHttpOptions) {
    this.o = {
      timeoutMs: 60_000,
      maxAttempts: 5,
      backoffMs: 3_000,
      maxBackoffMs: 120_000,
      maxBodyBytes: 64 * 1024 * 1024,
      ...options,
    };
  }

  /** GET with retries; resolves with a 2xx response or throws HttpSourceError. */
  get(url: string, accept = '*/*'): Promise<HttpResponse> {
    // Serialise requests: arXiv's terms are per connection, not just per second.
    const run = this.queue.then(() => this.withRetries(url, accept));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withRetries(url: string, accept: string): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      await this.waitTurn();
      try {
        return await this.once(url, accept);
      } catch (err) {
        const e = err instanceof HttpSourceError ? err : this.wrap(err, url);
        if (!e.retryable || attempt >= this.o.maxAttempts) throw e;
        const delay = this.backoff(attempt, (err as { retryAfterMs?: number }).retryAfterMs);
        await sleep(delay);
      }
    }
  }

  private async waitTurn(): Promise<void> {
    const now = Date.now();
    const wait = this.nextStart - now;
    if (wait > 0) await sleep(wait);
    this.nextStart = Math.max(now, this.nextStart) + this.o.minIntervalMs;
  }

  private backoff(attempt: number, retryAfterMs?: number): number {
    const exp = this.o.backoffMs * 2 ** (attempt - 1);
    const jittered = exp * (0.5 + Math.random());
    return Math.min(this.o.maxBackoffMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  private async once(url: string, accept: string): Promise<HttpResponse> {
    const res = await fetch(url, {
      headers: { 'user-agent': this.o.userAgent, accept },
      signal: AbortSignal.timeout(this.o.timeoutMs),
      redirect: 'follow',
    });
    const body = await this.readCapped(res, url);
    if (res.status >= 200 && res.status < 300) {
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        body,
        url: res.url || url,
      };
    }
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    const error = new HttpSourceError(
      `HTTP ${res.status}: ${body.slice(0, 200).replace(/\s+/g, ' ')}`,
      this.o.source,
      url,
      res.status,
      retryable,
    );
    Object.assign(error, { retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
    throw error;
  }

  /** Reads the body, failing once it passes maxBodyBytes instead of buffering all of it. */
  private async readCapped(res: Response, url: string): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > this.o.maxBodyBytes) {
      await res.body?.cancel();
      throw this.tooLarge(url);
    }
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > this.o.maxBodyBytes) throw this.tooLarge(url);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private tooLarge(url: string): HttpSourceError {
    return new HttpSourceError(
      `response body larger than ${this.o.maxBodyBytes} bytes`,
      this.o.source,
      url,
      null,
      false,
    );
  }

  private wrap(err: unknown, url: string): HttpSourceError {
    const e = err as Error;
    const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
    return new HttpSourceError(
      timeout ? `no response within ${this.o.timeoutMs} ms` : `request failed: ${e.message}`,
      this.o.source,
      url,
      null,
      true,
    );
  }
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
