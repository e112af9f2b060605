// Route guards: call one at the top of a handler that needs a signed-in viewer or a role. They
// throw; the error handler turns UnauthorizedError into a sign-in redirect (HTML) or 401 (JSON).
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../services/errors.ts';
import type { Viewer } from './viewer-context.ts';
import { isModerator } from './viewer-context.ts';

export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new UnauthorizedError();
  return request.viewer;
}

export function requireModerator(request: FastifyRequest): Viewer {
  const viewer = requireViewer(request);
  if (!isModerator(viewer)) throw new ForbiddenError('Only moderators can do this.');
  return viewer;
}

export function requireAdmin(request: FastifyRequest): Viewer {
  const viewer = requireViewer(request);
  if (viewer.role !== 'admin') throw new ForbiddenError('Only administrators can do this.');
  return viewer;
}
