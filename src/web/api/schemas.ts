// JSON Schemas of the public API. The routes validate their parameters with these, and the
// OpenAPI document at /api/openapi.json is generated from the same objects.
// Field names and nesting follow Hugging Face's papers API, so its clients work unchanged;
// paperboy's own additions carry names HF does not use.

export const organizationSchema = {
  type: ['object', 'null'],
  properties: { name: { type: 'string' }, fullname: { type: 'string' } },
  required: ['name', 'fullname'],
} as const;

export const paperSchema = {
  $id: 'Paper',
  type: 'object',
  properties: {
    id: { type: 'string', description: 'arXiv id without version, e.g. 2410.17243' },
    title: { type: 'string' },
    summary: { type: 'string', description: 'The abstract' },
    authors: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
    publishedAt: { type: 'string', format: 'date-time', description: 'arXiv v1 submission time' },
    upvotes: { type: 'integer' },
    numComments: { type: 'integer' },
    githubRepo: { type: ['string', 'null'] },
    githubStars: { type: ['integer', 'null'] },
    projectPage: { type: ['string', 'null'] },
    organization: organizationSchema,
    categories: {
      type: 'array',
      items: { type: 'string' },
      description: 'paperboy: arXiv categories, primary first',
    },
    paperboyUrl: { type: 'string', description: 'paperboy: the paper page' },
  },
  required: ['id', 'title', 'summary', 'authors', 'publishedAt', 'upvotes', 'numComments'],
} as const;

export const dailyItemSchema = {
  $id: 'DailyPaper',
  type: 'object',
  properties: {
    paper: { $ref: 'Paper#' },
    publishedAt: { type: 'string', format: 'date-time', description: 'When the paper was listed' },
    title: { type: 'string' },
    summary: { type: 'string' },
    numComments: { type: 'integer' },
    submittedBy: {
      type: ['object', 'null'],
      properties: { name: { type: 'string' }, fullname: { type: 'string' } },
    },
    organization: organizationSchema,
    listedOn: { type: ['string', 'null'], description: 'paperboy: the UTC day of the listing (YYYY-MM-DD)' },
  },
  required: ['paper', 'publishedAt', 'title', 'numComments'],
} as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        status: { type: 'integer' },
        message: { type: 'string' },
        parameter: { type: 'string', description: 'The request parameter that was wrong' },
      },
      required: ['status', 'message'],
    },
  },
  required: ['error'],
} as const;

const errors = { 400: { $ref: 'Error#' }, 404: { $ref: 'Error#' } } as const;

export const dailyPapersRoute = {
  summary: 'Daily papers: a day, week or month ranked by upvotes, or trending',
  tags: ['papers'],
  querystring: {
    type: 'object',
    properties: {
      p: { type: 'integer', minimum: 0, maximum: 1000, default: 0, description: 'Page, from 0' },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
      date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' },
      week: { type: 'string', pattern: '^\\d{4}-W\\d{2}$', description: 'ISO week, YYYY-Www' },
      month: { type: 'string', pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' },
      submitter: { type: 'string', maxLength: 100, description: 'Only papers this user submitted' },
      sort: { type: 'string', enum: ['publishedAt', 'trending'], default: 'publishedAt' },
    },
  },
  response: { 200: { type: 'array', items: { $ref: 'DailyPaper#' } }, ...errors },
} as const;

export const paperRoute = {
  summary: 'One paper',
  tags: ['papers'],
  params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  response: { 200: { $ref: 'Paper#' }, ...errors },
} as const;

export const searchRoute = {
  summary: 'Search papers (the query language of /search)',
  tags: ['papers'],
  querystring: {
    type: 'object',
    properties: {
      q: { type: 'string', minLength: 1, maxLength: 1000 },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    },
    required: ['q'],
  },
  response: { 200: { type: 'array', items: { $ref: 'DailyPaper#' } }, ...errors },
} as const;

export const listRoute = {
  summary: 'All papers, newest first, with cursor pagination (next cursor in the Link header)',
  tags: ['papers'],
  querystring: {
    type: 'object',
    properties: {
      cursor: { type: 'string', maxLength: 200 },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    },
  },
  response: { 200: { type: 'array', items: { $ref: 'Paper#' } }, ...errors },
} as const;
