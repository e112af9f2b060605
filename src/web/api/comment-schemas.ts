// JSON Schemas of the comment endpoints. Hugging Face's papers API has no public comment list, so
// these are paperboy's own, named in the style of the paper object (numComments, paperboyUrl): a
// comment carries its Markdown as `raw` and the rendered, sanitised HTML as `html`, as HF's
// discussion comments do.
import { MAX_COMMENT_CHARS } from '../../domain/comment-rules.ts';
import { API_TOKEN_SCHEME } from './write-schemas.ts';

export const commentSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    paperId: { type: 'string' },
    parentId: { type: ['integer', 'null'], description: 'The comment this one replies to' },
    depth: { type: 'integer', description: 'Nesting level in the thread, from 0' },
    status: {
      type: 'string',
      enum: ['visible', 'deleted', 'hidden'],
      description: 'deleted by its author, or hidden by a moderator: then raw, html and author are null',
    },
    author: {
      type: ['object', 'null'],
      properties: {
        name: { type: 'string', description: 'Handle (profile at /u/{name})' },
        fullname: { type: 'string', description: 'Display name' },
      },
      required: ['name', 'fullname'],
    },
    raw: { type: ['string', 'null'], description: 'The Markdown as written' },
    html: { type: ['string', 'null'], description: 'Rendered and sanitised HTML (math by KaTeX)' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    edited: { type: 'boolean' },
    paperboyUrl: { type: 'string', description: 'The comment on its paper page' },
  },
  required: ['id', 'paperId', 'parentId', 'depth', 'status', 'author', 'raw', 'html', 'createdAt', 'edited'],
} as const;

const paperParams = {
  type: 'object',
  properties: { id: { type: 'string', description: 'arXiv id, e.g. 2410.17243' } },
  required: ['id'],
} as const;

export const listCommentsRoute = {
  summary: 'The discussion of a paper: every comment in thread order (replies follow their parent)',
  tags: ['comments'],
  params: paperParams,
  response: {
    200: { type: 'array', items: commentSchema },
    404: { $ref: 'Error#' },
  },
} as const;

export const postCommentRoute = {
  summary: 'Comment on a paper, or reply to a comment (parentId), in Markdown',
  tags: ['comments'],
  security: [{ [API_TOKEN_SCHEME]: [] }],
  params: paperParams,
  body: {
    type: 'object',
    properties: {
      comment: { type: 'string', minLength: 1, maxLength: MAX_COMMENT_CHARS, description: 'Markdown' },
      parentId: { type: ['integer', 'null'], minimum: 1, description: 'Reply to this comment' },
    },
    required: ['comment'],
    additionalProperties: false,
  },
  response: {
    201: commentSchema,
    400: { $ref: 'Error#' },
    401: { $ref: 'Error#' },
    403: { $ref: 'Error#' },
    404: { $ref: 'Error#' },
    429: { $ref: 'Error#' },
  },
} as const;
