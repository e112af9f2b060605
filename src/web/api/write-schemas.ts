// JSON Schemas of the API's write endpoints (upvotes, submissions). They authenticate with a
// personal API token (Authorization: Bearer pb_…, created in Settings); the OpenAPI document names
// that scheme "apiToken". Field names of the submission follow the paper object (githubRepo,
// projectPage, organization).

export const API_TOKEN_SCHEME = 'apiToken';

export const apiTokenSecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  description: 'A personal API token (pb_…), created under Settings → API tokens.',
} as const;

const security = [{ [API_TOKEN_SCHEME]: [] }];

export const upvoteResultSchema = {
  type: 'object',
  properties: {
    upvotes: { type: 'integer', description: 'The paper’s upvotes after the change' },
    upvoted: { type: 'boolean', description: 'Whether the token’s user now upvotes the paper' },
  },
  required: ['upvotes', 'upvoted'],
} as const;

const writeErrors = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
} as const;

const paperParams = {
  type: 'object',
  properties: { id: { type: 'string', description: 'arXiv id, e.g. 2410.17243' } },
  required: ['id'],
} as const;

export const upvoteRoute = {
  summary: 'Upvote a paper (or, with {"upvote": false}, withdraw the upvote); repeating it changes nothing',
  tags: ['papers'],
  security,
  params: paperParams,
  body: {
    type: ['object', 'null'],
    description: 'Optional: without a body (or with an empty one) the paper is upvoted',
    properties: { upvote: { type: 'boolean', default: true, description: 'false withdraws the upvote' } },
    additionalProperties: false,
  },
  response: { 200: upvoteResultSchema, ...writeErrors },
} as const;

export const removeUpvoteRoute = {
  summary: 'Withdraw the upvote of a paper; repeating it changes nothing',
  tags: ['papers'],
  security,
  params: paperParams,
  response: { 200: upvoteResultSchema, ...writeErrors },
} as const;

export const submitRoute = {
  summary:
    'Submit a recent arXiv paper to today’s list (with your upvote); optional code, project page and organization',
  tags: ['papers'],
  security,
  body: {
    type: 'object',
    properties: {
      id: {
        type: 'string',
        minLength: 1,
        maxLength: 300,
        description: 'arXiv id or arxiv.org link: 2410.17243, 2410.17243v2, hep-th/9901001',
      },
      githubRepo: {
        type: ['string', 'null'],
        maxLength: 2000,
        description: 'https://github.com/owner/repository',
      },
      projectPage: { type: ['string', 'null'], maxLength: 2000, description: 'An http(s) page' },
      organization: {
        type: ['string', 'null'],
        maxLength: 100,
        description: 'An organization’s short or full name; a new name creates the organization',
      },
    },
    required: ['id'],
    additionalProperties: false,
    examples: [{ id: '2410.17243', githubRepo: 'https://github.com/owner/repository' }],
  },
  response: { 201: { $ref: 'Paper#' }, ...writeErrors, 409: { $ref: 'Error#' }, 503: { $ref: 'Error#' } },
} as const;
