// PostgreSQL's text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"), where
// SQLite's can: a comment, a saved search or a looked-up handle with a NUL in it failed with a 500
// on PostgreSQL only. This plugin replaces U+0000 in every string parameter with U+FFFD, the
// replacement character, which is what a SQLite deployment shows for it anyway (Markdown turns NUL
// into U+FFFD, and lone surrogates come back from SQLite as U+FFFD too). A lookup with it matches
// nothing (nothing stored contains U+0000), so it answers "not found" as on SQLite. Paper records
// lose the character before storage on both backends (storableRecord in domain/paper.ts).
import { OperationNodeTransformer } from 'kysely';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  PrimitiveValueListNode,
  QueryResult,
  RootOperationNode,
  UnknownRow,
  ValueNode,
} from 'kysely';

const NUL = '\u0000';

export function withoutNul(value: unknown): unknown {
  return typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, '\uFFFD') : value;
}

class NulTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = withoutNul(node.value);
    return value === node.value ? node : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return node.values.some((v) => withoutNul(v) !== v)
      ? { ...node, values: node.values.map(withoutNul) }
      : node;
  }
}

export class PostgresTextPlugin implements KyselyPlugin {
  private readonly transformer = new NulTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}
