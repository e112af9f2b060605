import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeVariables, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const c = loadConfig({}, '/srv/pb');
    expect(c).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: '/srv/pb/data',
      baseUrl: 'http://localhost:3000',
      database: { kind: 'sqlite', file: path.join('/srv/pb/data', 'paperboy.db') },
      logLevel: 'info',
      demo: 'auto',
      embeddings: { kind: 'off' },
      semanticSearch: { budgetMs: 150, weight: 1 },
      searchIndex: { file: path.join('/srv/pb/data', 'search-index.db'), pollMs: 1000 },
      arxiv: {
        apiUrl: 'https://export.arxiv.org/api/query',
        categories: ['cs.AI', 'cs.CL', 'cs.CV', 'cs.LG'],
        poll: false,
        intervalMs: 3000,
      },
      ingestUserAgent: 'paperboy/0.1 (+http://localhost:3000)',
      mail: { smtpUrl: null, pauseAfter: 3, retryDelayMs: 2000, digestCheckMinutes: 10 },
      jobs: { concurrency: 2, leaseMs: 60_000, pollMs: 1000, retentionMs: 14 * 86_400_000 },
      secretKey: null,
      submissions: { maxAgeDays: 14, perDay: 5 },
      mailFrom: 'paperboy <paperboy@localhost>',
      auth: { sessionDays: 30, signinTokenMinutes: 15 },
      rateLimits: { signinPerEmail: 5, signinPerIp: 20, writesPerMinute: 60, store: 'memory' },
      trustProxy: false,
      pageCacheStaleMs: 0,
    });
  });

  it('reads the PostgreSQL search index settings and refuses bad ones', () => {
    const c = loadConfig({ SEARCH_INDEX_FILE: 'idx/search.db', SEARCH_SYNC_MS: '250' }, '/srv/pb');
    expect(c.searchIndex).toEqual({ file: path.join('/srv/pb', 'idx/search.db'), pollMs: 250 });
    expect(() => loadConfig({ SEARCH_SYNC_MS: '-1' })).toThrow(/SEARCH_SYNC_MS/);
    expect(() => loadConfig({ SEARCH_SYNC_MS: 'soon' })).toThrow(/SEARCH_SYNC_MS/);
  });

  it('reads the job queue settings and refuses bad ones', () => {
    const c = loadConfig({
      WORKER_CONCURRENCY: '4',
      JOB_LEASE_SECONDS: '5',
      WORKER_POLL_MS: '250',
      JOB_RETENTION_DAYS: '2',
    });
    expect(c.jobs).toEqual({ concurrency: 4, leaseMs: 5000, pollMs: 250, retentionMs: 2 * 86_400_000 });
    expect(() => loadConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY="0"/);
    expect(() => loadConfig({ JOB_LEASE_SECONDS: '1.5' })).toThrow(/JOB_LEASE_SECONDS="1.5"/);
    expect(() => loadConfig({ WORKER_POLL_MS: '10' })).toThrow(/WORKER_POLL_MS="10"/);
    expect(() => loadConfig({ JOB_RETENTION_DAYS: 'forever' })).toThrow(/JOB_RETENTION_DAYS="forever"/);
  });

  it('reads the sign-in, session and rate-limit settings and refuses bad ones', () => {
    const c = loadConfig({
      MAIL_FROM: 'Papers <papers@example.org>',
      SESSION_DAYS: '7',
      SIGNIN_TOKEN_MINUTES: '30',
      RATE_LIMIT_SIGNIN_PER_EMAIL: '2',
      RATE_LIMIT_SIGNIN_PER_IP: '9',
      RATE_LIMIT_WRITES: '100',
    });
    expect(c.mailFrom).toBe('Papers <papers@example.org>');
    expect(c.auth).toEqual({ sessionDays: 7, signinTokenMinutes: 30 });
    expect(c.rateLimits).toEqual({
      signinPerEmail: 2,
      signinPerIp: 9,
      writesPerMinute: 100,
      store: 'memory',
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/pb' }).rateLimits.store).toBe('database');
    expect(
      loadConfig({ DATABASE_URL: 'postgres://db/pb', RATE_LIMIT_STORE: 'memory' }).rateLimits.store,
    ).toBe('memory');
    expect(loadConfig({ RATE_LIMIT_STORE: 'database' }).rateLimits.store).toBe('database');
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/RATE_LIMIT_STORE="redis"/);
    expect(() => loadConfig({ SESSION_DAYS: '0' })).toThrow(/SESSION_DAYS="0"/);
    expect(() => loadConfig({ SIGNIN_TOKEN_MINUTES: 'soon' })).toThrow(/SIGNIN_TOKEN_MINUTES="soon"/);
    expect(() => loadConfig({ RATE_LIMIT_WRITES: '-1' })).toThrow(/RATE_LIMIT_WRITES/);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY="yes please"/);
  });

  it('reads the arXiv settings and keeps arxiv.org at one request per 3 s', () => {
    const c = loadConfig({
      ARXIV_API_URL: 'http://127.0.0.1:9999/api/query',
      ARXIV_CATEGORIES: ' cs.LG, hep-th ,',
      ARXIV_POLL: 'on',
      ARXIV_API_INTERVAL_MS: '10',
      BASE_URL: 'https://papers.example.org',
    });
    expect(c.arxiv).toEqual({
      apiUrl: 'http://127.0.0.1:9999/api/query',
      categories: ['cs.LG', 'hep-th'],
      poll: true,
      intervalMs: 10,
    });
    expect(c.ingestUserAgent).toBe('paperboy/0.1 (+https://papers.example.org)');
    expect(loadConfig({ INGEST_USER_AGENT: 'mirror-bot/2' }).ingestUserAgent).toBe('mirror-bot/2');
    expect(() => loadConfig({ ARXIV_CATEGORIES: 'cs.lg' })).toThrow(/ARXIV_CATEGORIES="cs.lg"/);
    expect(() => loadConfig({ ARXIV_POLL: 'yes' })).toThrow(/ARXIV_POLL="yes"/);
    expect(() => loadConfig({ ARXIV_API_INTERVAL_MS: '500' })).toThrow(/at least 3000 ms/);
  });

  it('reads the embedding settings', () => {
    const local = loadConfig({ EMBEDDINGS: 'local', PAPERBOY_DATA_DIR: '/var/pb' }, '/srv');
    expect(local.embeddings).toMatchObject({
      kind: 'local',
      model: 'Xenova/all-MiniLM-L6-v2',
      folder: path.join('/var/pb', 'models', 'Xenova/all-MiniLM-L6-v2'),
    });
    const folder = loadConfig({ EMBEDDINGS: 'local', EMBEDDINGS_MODEL: './m/e5' }, '/srv');
    expect(folder.embeddings).toMatchObject({ kind: 'local', folder: '/srv/m/e5' });
    const remote = loadConfig({
      EMBEDDINGS: 'openai',
      EMBEDDINGS_URL: 'http://localhost:11434',
      EMBEDDINGS_MODEL: 'nomic-embed-text',
      EMBEDDINGS_QUERY_PREFIX: 'search_query: ',
      SEARCH_SEMANTIC_BUDGET_MS: '80',
      SEARCH_SEMANTIC_WEIGHT: '0.5',
    });
    expect(remote.embeddings).toEqual({
      kind: 'openai',
      url: 'http://localhost:11434',
      model: 'nomic-embed-text',
      apiKey: null,
      prefixes: { query: 'search_query: ', document: '' },
    });
    expect(remote.semanticSearch).toEqual({ budgetMs: 80, weight: 0.5 });
    expect(() => loadConfig({ EMBEDDINGS: 'openai' })).toThrow(/EMBEDDINGS_URL is required/);
    expect(() => loadConfig({ EMBEDDINGS: 'remote' })).toThrow(/EMBEDDINGS="remote"/);
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        PAPERBOY_DATA_DIR: '/var/lib/pb',
        BASE_URL: 'https://papers.example.org/',
        DATABASE_URL: 'sqlite:./x.db',
        LOG_LEVEL: 'warn',
        PAPERBOY_DEMO: 'off',
      },
      '/srv',
    );
    expect(c.port).toBe(8080);
    expect(c.baseUrl).toBe('https://papers.example.org');
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/x.db' });
    expect(c.logLevel).toBe('warn');
    expect(c.demo).toBe('off');
  });

  it('names every bad variable and what is allowed', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', BASE_URL: 'ftp://x', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect((err as ConfigError).problems).toHaveLength(4);
      expect(message).toContain('PORT="eighty"');
      expect(message).toContain('TCP port');
      expect(message).toContain('LOG_LEVEL="loud"');
      expect(message).toContain('fatal, error, warn, info, debug, trace, silent');
      expect(message).toContain('BASE_URL="ftp://x"');
      expect(message).toContain('DATABASE_URL="mysql://x"');
    }
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });

  it('describes the variables for --help', () => {
    const text = describeVariables();
    for (const name of ['PORT', 'HOST', 'PAPERBOY_DATA_DIR', 'BASE_URL', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(text).toContain(name);
    }
  });
});
