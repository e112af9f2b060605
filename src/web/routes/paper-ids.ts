// A paper id as it appears in a route: an arXiv id (old-style ids reach us as archive/number) or a
// local "pb-…" id of a paper with no arXiv id. Versions are dropped: a vote is for the paper.
import { parseArxivId } from '../../domain/arxiv-id.ts';
import { NotFoundError } from '../../services/errors.ts';

/** Ids of papers that have no arXiv id (demo cards): "pb-" and hex. */
const LOCAL_ID = /^pb-[0-9a-f]{8,40}$/;

export function paperIdOf(raw: string): string {
  const id = parseArxivId(raw)?.base ?? (LOCAL_ID.test(raw) ? raw : null);
  if (!id) throw new NotFoundError(`not a paper id: ${raw}`);
  return id;
}
