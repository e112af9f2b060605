// Builds the real application around a fresh SQLite database in a temporary directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/config.ts';
import { createContainer, createWebApp } from '../../src/main/container.ts';
import type { Container } from '../../src/main/container.ts';

/** The demo is spread over the 30 days ending on this day. */
export const DEMO_NOW = new Date('2026-11-27T15:00:00.000Z');

export interface TestApp {
  app: FastifyInstance;
  container: Container;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestApp(
  options: {
    seed?: boolean;
    /** More configuration variables, e.g. EMBEDDINGS=openai with EMBEDDINGS_URL for hybrid search. */
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-test-'));
  const config = loadConfig({ PAPERBOY_DATA_DIR: dataDir, BASE_URL: 'http://paperboy.test', ...options.env });
  const container = await createContainer(config);
  if (options.seed ?? true) await container.seeder.seedDemo(DEMO_NOW);
  const app = await createWebApp(container, false);
  await app.ready();
  return {
    app,
    container,
    dataDir,
    async close() {
      await app.close();
      await container.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
