// Writes a complete, tiny sentence-embedding model folder in the layout transformers.js loads
// (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx), so the real local provider
// can be tested without downloading anything.
//
// The ONNX graph is what a BERT-style encoder looks like from outside: input_ids and
// attention_mask in, last_hidden_state out. Inside it only looks each token up in a small
// embedding matrix (Gather) and zeroes padding (Mul by the mask). Words of one topic get nearby
// vectors, so "similar texts are closer than unrelated ones" is something the test can check.
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/** The part of onnx.proto this file writes; field numbers as in the ONNX specification. */
const ONNX_PROTO = `
syntax = "proto3";
package onnx;
message AttributeProto { string name = 1; int64 i = 3; int32 type = 20; }
message TensorProto {
  repeated int64 dims = 1; int32 data_type = 2; repeated float float_data = 4;
  repeated int64 int64_data = 7; string name = 8;
}
message NodeProto {
  repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message TensorShapeProto {
  message Dimension { int64 dim_value = 1; string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  Tensor tensor_type = 1;
}
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto {
  repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto {
  int64 ir_version = 1; string producer_name = 2; GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];

/** Topics of the tiny vocabulary: words of one topic share a direction. */
export const TINY_TOPICS: Record<string, string[]> = {
  graphs: ['graph', 'graphs', 'network', 'networks', 'node', 'nodes', 'edge', 'edges'],
  physics: ['quark', 'quarks', 'gluon', 'gluons', 'hadron', 'hadrons', 'collider'],
  biology: ['protein', 'proteins', 'folding', 'molecule', 'molecules', 'enzyme'],
};
export const TINY_DIMENSIONS = 8;

export interface TinyModel {
  dir: string;
  vocab: string[];
}

/** Writes the model folder into `dir` (created if needed). */
export function writeTinyModel(dir: string): TinyModel {
  const vocab = [...SPECIAL, ...Object.values(TINY_TOPICS).flat()];
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnxModel(embeddingMatrix(vocab)));
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer(vocab)));
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      model_max_length: 64,
      do_lower_case: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: TINY_DIMENSIONS,
      vocab_size: vocab.length,
    }),
  );
  return { dir, vocab };
}

/**
 * One row per token. Topic t's words point along axis t, each nudged a little along its own
 * axis among the last ones, so words differ but stay close to their topic. Special tokens are
 * zero (they carry no meaning and padding must not count); [UNK] gets a short vector on its own
 * axis, so a text of unknown words still has a direction but unknown words barely move others.
 */
function embeddingMatrix(vocab: string[]): number[] {
  const topics = Object.values(TINY_TOPICS);
  const rows = vocab.map((token, id) => {
    const row = new Array<number>(TINY_DIMENSIONS).fill(0);
    if (token === '[UNK]') row[TINY_DIMENSIONS - 1] = 0.2;
    const topic = topics.findIndex((words) => words.includes(token));
    if (topic >= 0) {
      row[topic] = 1;
      row[topics.length + (id % (TINY_DIMENSIONS - topics.length - 1))] = 0.3;
    }
    return row;
  });
  return rows.flat();
}

function onnxModel(matrix: number[]): Uint8Array {
  const root = protobuf.parse(ONNX_PROTO).root;
  const Model = root.lookupType('onnx.ModelProto');
  const rows = matrix.length / TINY_DIMENSIONS;
  const valueInfo = (name: string, type: number, shape: (string | number)[]) => ({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  const model = {
    irVersion: 8,
    producerName: 'paperboy-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-encoder',
      initializer: [
        { name: 'embeddings', dims: [rows, TINY_DIMENSIONS], dataType: FLOAT, floatData: matrix },
        { name: 'last_axis', dims: [1], dataType: INT64, int64Data: [2] },
      ],
      node: [
        { name: 'lookup', opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['tokens'] },
        {
          name: 'mask_float',
          opType: 'Cast',
          input: ['attention_mask'],
          output: ['mask'],
          attribute: [{ name: 'to', i: FLOAT, type: ATTRIBUTE_INT }],
        },
        { name: 'mask_3d', opType: 'Unsqueeze', input: ['mask', 'last_axis'], output: ['mask3'] },
        { name: 'apply_mask', opType: 'Mul', input: ['tokens', 'mask3'], output: ['last_hidden_state'] },
      ],
      input: [
        valueInfo('input_ids', INT64, ['batch', 'sequence']),
        valueInfo('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', TINY_DIMENSIONS])],
    },
  };
  const problem = Model.verify(model);
  if (problem) throw new Error(`tiny ONNX model: ${problem}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/** A BERT-style WordPiece tokenizer whose vocabulary is whole words. */
function tokenizer(vocab: string[]) {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  const special = (token: string) => ({ id: token, ids: [ids[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: ids[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}
