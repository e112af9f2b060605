// Wiring of the semantic side: which embedding provider the configuration asks for, with its
// vector store, ANN index and embedding job. Null when embeddings are off.
import type { EmbeddingsConfig } from '../config/config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import type { JobLog } from '../jobs/embed-papers-job.ts';
import { EmbedPapersJob } from '../jobs/embed-papers-job.ts';
import type { EmbeddingProvider } from '../search/embedding-provider.ts';
import { EmbeddingStore } from '../search/embedding-store.ts';
import { OpenAiEmbeddings } from '../search/openai-embeddings.ts';
import { SemanticSearch } from '../search/semantic-search.ts';
import { TransformersEmbeddings } from '../search/transformers-embeddings.ts';
import { createVectorIndex } from '../search/usearch-index.ts';

export interface SemanticStack {
  semantic: SemanticSearch;
  embedJob: EmbedPapersJob;
}

export function createSemanticStack(
  config: EmbeddingsConfig,
  database: DatabaseHandle,
  log?: JobLog,
): SemanticStack | null {
  const provider = createProvider(config);
  if (!provider) return null;
  const store = new EmbeddingStore(database);
  const semantic = new SemanticSearch(provider, store, createVectorIndex);
  return { semantic, embedJob: new EmbedPapersJob(semantic, store, { log }) };
}

function createProvider(config: EmbeddingsConfig): EmbeddingProvider | null {
  switch (config.kind) {
    case 'off':
      return null;
    case 'local':
      return new TransformersEmbeddings({
        folder: config.folder,
        name: config.model,
        prefixes: config.prefixes,
      });
    case 'openai':
      return new OpenAiEmbeddings({
        baseUrl: config.url,
        model: config.model,
        apiKey: config.apiKey,
        prefixes: config.prefixes,
      });
  }
}
