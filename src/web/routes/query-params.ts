// Reading single query parameters. A repeated parameter (?p=1&p=2) arrives as an array and is
// refused rather than guessed at.
import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../services/errors.ts';

/** The parameter's value, undefined when absent; InvalidInputError when given more than once. */
export function stringParam(request: FastifyRequest, name: string): string | undefined {
  const raw = (request.query as Record<string, unknown> | undefined)?.[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new InvalidInputError(`${name} must be given once`, name);
  return raw;
}

/** The `p` query parameter: a page index from 0. */
export function pageParam(request: FastifyRequest): number {
  const raw = stringParam(request, 'p');
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,4}$/.test(raw)) throw new InvalidInputError('p must be a page number (0, 1, 2 …)', 'p');
  return Number(raw);
}
