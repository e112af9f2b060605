// GET /api/whoami-v2: who an API token (or the browser's session) belongs to, in the shape of
// Hugging Face's endpoint of that name, so `huggingface_hub`'s whoami() works against paperboy.
import type { FastifyPluginAsync } from 'fastify';
import { requireViewer } from '../guards.ts';

const whoamiSchema = {
  summary: 'The account an API token (Authorization: Bearer pb_…) belongs to',
  tags: ['account'],
  response: {
    200: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['user'] },
        id: { type: 'string', description: 'Account id' },
        name: { type: 'string', description: 'Handle: the profile is at /u/{name}' },
        fullname: { type: 'string', description: 'Display name' },
        role: { type: 'string', enum: ['user', 'moderator', 'admin'] },
      },
      required: ['type', 'id', 'name', 'fullname', 'role'],
    },
    401: { $ref: 'Error#' },
  },
} as const;

export const apiAccountRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/whoami-v2', { schema: whoamiSchema }, async (request, reply) => {
    const viewer = requireViewer(request);
    return reply.header('cache-control', 'private, no-store').send({
      type: 'user',
      id: String(viewer.id),
      name: viewer.handle,
      fullname: viewer.displayName,
      role: viewer.role,
    });
  });
};
