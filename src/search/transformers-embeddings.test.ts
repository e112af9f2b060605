// The real transformers.js provider on a real (tiny) ONNX model that the test writes itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_DIMENSIONS, writeTinyModel } from '../../test/helpers/tiny-onnx-model.ts';
import { dot, EmbeddingUnavailableError } from './embedding-provider.ts';
import { TransformersEmbeddings } from './transformers-embeddings.ts';

let root: string;
let provider: TransformersEmbeddings;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-onnx-'));
  writeTinyModel(path.join(root, 'tiny-bert'));
  provider = new TransformersEmbeddings({
    folder: path.join(root, 'tiny-bert'),
    name: 'tiny-bert',
    batchSize: 2,
  });
});
afterAll(async () => {
  await provider.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('local ONNX embeddings through transformers.js', () => {
  it('embeds texts as unit vectors of the model size', async () => {
    const vectors = await provider.embed(
      ['Graph networks', 'quark gluon collider', 'protein folding'],
      'document',
    );
    expect(vectors).toHaveLength(3);
    expect(provider.dimensions).toBe(TINY_DIMENSIONS);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(TINY_DIMENSIONS);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    expect(provider.id).toBe('local:tiny-bert');
  });

  it('puts texts about the same topic closer than unrelated ones', async () => {
    const [graphs, edges, quarks, unknown] = await provider.embed(
      [
        'message passing on graph nodes',
        'edges between network nodes',
        'quarks and gluons in a hadron',
        'zzz qqq',
      ],
      'query',
    );
    expect(dot(graphs!, edges!)).toBeGreaterThan(0.8);
    expect(dot(graphs!, quarks!)).toBeLessThan(dot(graphs!, edges!) - 0.4);
    expect(dot(edges!, quarks!)).toBeLessThan(dot(graphs!, edges!) - 0.4);
    // Padding inside a batch must not change a text's vector: same text alone or with a longer one.
    const [alone] = await provider.embed(['edges between network nodes'], 'query');
    expect(dot(alone!, edges!)).toBeCloseTo(1, 5);
    expect(unknown).toHaveLength(TINY_DIMENSIONS);
  });

  it('says clearly what is missing when the model folder is not there', async () => {
    const missing = new TransformersEmbeddings({ folder: path.join(root, 'nowhere'), name: 'org/model' });
    const err = await missing.embed(['x'], 'query').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbeddingUnavailableError);
    expect((err as Error).message).toContain(path.join(root, 'nowhere'));
    expect((err as Error).message).toMatch(
      /org\/model.*does not exist.*onnx\/model\.onnx.*search stays lexical/s,
    );

    const partial = path.join(root, 'partial');
    fs.mkdirSync(partial);
    fs.writeFileSync(path.join(partial, 'config.json'), '{}');
    const noWeights = new TransformersEmbeddings({ folder: partial, name: './partial' });
    await expect(noWeights.embed(['x'], 'query')).rejects.toThrow(
      /has no tokenizer\.json, onnx\/model\.onnx/,
    );
  });

  it('reports a folder it cannot load as unavailable, and tries again later', async () => {
    const broken = path.join(root, 'broken');
    writeTinyModel(broken);
    fs.writeFileSync(path.join(broken, 'onnx', 'model.onnx'), 'not a model');
    const model = new TransformersEmbeddings({ folder: broken, name: 'broken' });
    await expect(model.embed(['graph'], 'query')).rejects.toThrow(EmbeddingUnavailableError);
    writeTinyModel(broken); // repaired: the next call loads it
    await expect(model.embed(['graph'], 'query')).resolves.toHaveLength(1);
    await model.close();
  });
});
