// Embeddings from a local ONNX sentence-embedding model run in-process by transformers.js (on
// onnxruntime-node's CPU build, which ships inside its npm package). Never downloads anything:
// this service may run without internet, so the model is a folder on disk, in the layout of the
// Hugging Face ONNX exports (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx).
import fs from 'node:fs';
import path from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbedOptions, EmbeddingKind, EmbeddingProvider, TextPrefixes } from './embedding-provider.ts';
import {
  EmbeddingRequestError,
  EmbeddingUnavailableError,
  modelIdentity,
  NO_PREFIXES,
  normalize,
  withPrefix,
} from './embedding-provider.ts';

export interface TransformersEmbeddingsOptions {
  /** Absolute path of the model folder. */
  folder: string;
  /** The model as configured (an id or a path): the stored identity and what messages call it. */
  name: string;
  prefixes?: TextPrefixes;
  /** Texts per model run: bounds memory (batch × tokens × hidden size). */
  batchSize?: number;
}

type Dtype = 'fp32' | 'q8' | 'int8' | 'uint8' | 'fp16' | 'q4';

/** Weight files transformers.js knows, best first: full precision when the folder has it. */
const WEIGHTS: [Dtype, string][] = [
  ['fp32', 'model.onnx'],
  ['q8', 'model_quantized.onnx'],
  ['int8', 'model_int8.onnx'],
  ['uint8', 'model_uint8.onnx'],
  ['fp16', 'model_fp16.onnx'],
  ['q4', 'model_q4.onnx'],
];

export class TransformersEmbeddings implements EmbeddingProvider {
  readonly id: string;
  private dims: number | null = null;
  private loading: Promise<FeatureExtractionPipeline> | null = null;
  private readonly prefixes: TextPrefixes;
  private readonly batchSize: number;

  constructor(private readonly options: TransformersEmbeddingsOptions) {
    this.prefixes = options.prefixes ?? NO_PREFIXES;
    this.batchSize = options.batchSize ?? 16;
    this.id = modelIdentity(`local:${options.name}`, this.prefixes);
  }

  get dimensions(): number | null {
    return this.dims;
  }

  async embed(texts: string[], kind: EmbeddingKind, options: EmbedOptions = {}): Promise<Float32Array[]> {
    const extractor = await this.load();
    const input = withPrefix(texts, kind, this.prefixes);
    const out: Float32Array[] = [];
    for (let i = 0; i < input.length; i += this.batchSize) {
      options.signal?.throwIfAborted(); // an ONNX run cannot be interrupted, but the next one need not start
      out.push(...(await this.run(extractor, input.slice(i, i + this.batchSize))));
    }
    return out;
  }

  async warmUp(): Promise<void> {
    await this.load();
  }

  /** Loads the model once; a failed load is forgotten so that a later call tries again. */
  load(): Promise<FeatureExtractionPipeline> {
    this.loading ??= this.open().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    if (loading) await (await loading.catch(() => null))?.dispose();
  }

  private async open(): Promise<FeatureExtractionPipeline> {
    const dtype = checkFolder(this.options.folder, this.options.name);
    const { env, pipeline } = await import('@huggingface/transformers');
    // No hub: an id that is not a local folder must fail here, not try the network.
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    try {
      // An absolute path is used as is (transformers.js only prefixes env.localModelPath to ids).
      return await pipeline('feature-extraction', this.options.folder, { local_files_only: true, dtype });
    } catch (err) {
      throw new EmbeddingUnavailableError(
        `local embedding model "${this.options.name}" in ${this.options.folder} could not be loaded: ` +
          (err instanceof Error ? err.message : String(err)),
        { cause: err },
      );
    }
  }

  private async run(extractor: FeatureExtractionPipeline, texts: string[]): Promise<Float32Array[]> {
    // Mean pooling over the real tokens: what sentence-transformers models are trained for.
    const output = await extractor(texts, { pooling: 'mean', normalize: false });
    const [rows, dims] = output.dims as [number, number];
    if (rows !== texts.length || !dims) {
      throw new EmbeddingRequestError(`the model returned ${rows} vectors for ${texts.length} texts`, false);
    }
    const data = output.data as Float32Array;
    this.dims = dims;
    return Array.from({ length: rows }, (_, r) => normalize(data.subarray(r * dims, (r + 1) * dims)));
  }
}

/**
 * The folder must hold a tokenizer, a config and ONNX weights; says exactly what is missing
 * otherwise. Returns the precision of the weights found.
 */
function checkFolder(folder: string, name: string): Dtype {
  const missing: string[] = [];
  if (!fs.existsSync(folder)) {
    throw new EmbeddingUnavailableError(
      `local embedding model "${name}" is not available: the folder ${folder} does not exist. ` +
        `${WHAT_TO_PUT}`,
    );
  }
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(folder, file))) missing.push(file);
  }
  const weights = WEIGHTS.find(([, file]) => fs.existsSync(path.join(folder, 'onnx', file)));
  if (!weights) missing.push('onnx/model.onnx');
  if (missing.length > 0 || !weights) {
    throw new EmbeddingUnavailableError(
      `local embedding model "${name}" is not available: ${folder} has no ${missing.join(', ')}. ` +
        WHAT_TO_PUT,
    );
  }
  return weights[0];
}

const WHAT_TO_PUT =
  'Put the ONNX export of a sentence-embedding model there (config.json, tokenizer.json, ' +
  'tokenizer_config.json and onnx/model.onnx or onnx/model_quantized.onnx, as in the Hugging Face ' +
  'repository Xenova/all-MiniLM-L6-v2); until then search stays lexical.';
