// OAI-PMH 2.0 protocol client (http://www.openarchives.org/OAI/openarchivesprotocol.html): the
// ListRecords and GetRecord verbs, resumptionToken paging and the protocol's error codes. It knows
// nothing about arXiv's metadata formats; records come back with their <metadata> element as parsed
// XML for a format parser (oai-arxiv-formats.ts) to read. HTTP politeness (interval, retries on 503 +
// Retry-After, body cap) is PoliteHttpClient's job.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { HttpResponse } from './polite-http.ts';

export const OAI_SOURCE = 'arXiv OAI-PMH';

/** A parsed XML value: text, an element (children by local name, attributes as `@_name`), or a list. */
export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [name: string]: XmlValue | undefined;
}

/** What the client needs from an HTTP client; PoliteHttpClient is one. */
export interface HttpGetter {
  get(url: string, accept?: string): Promise<HttpResponse>;
}

export interface ListRecordsArgs {
  metadataPrefix: string;
  set?: string | null;
  /** Inclusive lower bound on record datestamps, YYYY-MM-DD. */
  from?: string | null;
  /** Inclusive upper bound on record datestamps, YYYY-MM-DD. */
  until?: string | null;
}

export interface OaiRecord {
  /** e.g. "oai:arXiv.org:0704.0471". */
  identifier: string;
  /** Last change of the record, YYYY-MM-DD at arXiv's granularity. */
  datestamp: string;
  setSpecs: string[];
  /** `<header status="deleted">`: the record has no metadata. */
  deleted: boolean;
  /** The one element inside <metadata>, by local name (e.g. "arXivRaw"); null for deleted records. */
  metadata: { format: string; element: XmlElement } | null;
}

/** A record the envelope could not describe (no identifier or datestamp); skipped, never fatal. */
export interface RejectedRecord {
  /** 1-based position on the page. */
  position: number;
  identifier: string | null;
  reason: string;
}

export interface OaiPage {
  url: string;
  /** The repository's clock when it answered, ISO-8601 UTC. */
  responseDate: string;
  records: OaiRecord[];
  rejected: RejectedRecord[];
  /** Token for the next page; null when the list is complete (absent or empty token). */
  resumptionToken: string | null;
  completeListSize: number | null;
  cursor: number | null;
}

/** An `<error code="...">` answer, e.g. badArgument or cannotDisseminateFormat. */
export class OaiError extends Error {
  override name = 'OaiError';
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly url: string,
  ) {
    super(`${OAI_SOURCE}: error ${code}: ${detail} (${url})`);
  }
}

/** A response that is not a usable OAI-PMH document: wrong content type, malformed XML, wrong root. */
export class OaiResponseError extends Error {
  override name = 'OaiResponseError';
  constructor(
    what: string,
    readonly url: string,
  ) {
    super(`${OAI_SOURCE}: ${what} (${url})`);
  }
}

const ALWAYS_LISTS = new Set(['record', 'setSpec', 'error', 'version', 'author']);

// Only the five XML entities and character references: OAI-PMH responses have no DTD, and HTML
// names such as &nbsp; are not XML. Unknown references stay as written.
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (match, hex: string | undefined, dec: string | undefined, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? match;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : match;
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Ids such as "0704.0710" must stay text, never become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ALWAYS_LISTS.has(name),
  entityDecoder: {
    decode: decodeEntities,
    reset: () => undefined,
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    setXmlVersion: () => undefined,
  },
});

/** Text content of a value: a string, or an element's `#text`; null when there is none. */
export function textOf(value: XmlValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0]) : null;
  const text = value['#text'];
  return typeof text === 'string' ? text : null;
}

/** The value as a list of elements (a lone element or text-only element counts as one). */
export function elementsOf(value: XmlValue | undefined): XmlElement[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? { '#text': v } : Array.isArray(v) ? {} : v));
}

/** Parses and checks one OAI-PMH response body; returns the root <OAI-PMH> element. */
export function parseOaiDocument(response: Pick<HttpResponse, 'body' | 'contentType' | 'url'>): XmlElement {
  const { body, contentType, url } = response;
  if (contentType !== '' && !/xml/i.test(contentType)) {
    throw new OaiResponseError(`expected XML, got ${contentType}: ${snippet(body)}`, url);
  }
  // OAI-PMH documents never carry a DTD; refusing one rules out entity-expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(body.slice(0, 4096))) {
    throw new OaiResponseError('refusing an XML document with a DTD', url);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new OaiResponseError(`malformed XML at line ${line}, column ${col}: ${msg}`, url);
  }
  const root = (parser.parse(body) as XmlElement)['OAI-PMH'];
  if (root === undefined || typeof root === 'string' || Array.isArray(root)) {
    throw new OaiResponseError(`not an OAI-PMH response: ${snippet(body)}`, url);
  }
  return root;
}

function snippet(body: string): string {
  const s = body.slice(0, 120).replace(/\s+/g, ' ').trim();
  return s === '' ? '(empty body)' : JSON.stringify(s);
}

/** The protocol errors in a response; OAI-PMH allows several at once. */
export function oaiErrors(root: XmlElement): { code: string; detail: string }[] {
  return elementsOf(root.error).map((e) => ({
    code: textOf(e['@_code']) ?? 'unknown',
    detail: (textOf(e) ?? '').replace(/\s+/g, ' ').trim(),
  }));
}

function responseDateOf(root: XmlElement, url: string): string {
  const raw = textOf(root.responseDate);
  const ms = raw === null ? NaN : Date.parse(raw);
  if (Number.isNaN(ms)) throw new OaiResponseError(`missing or unreadable responseDate "${raw}"`, url);
  return new Date(ms).toISOString();
}

/** One <record>: its header, and the metadata element when it isn't deleted. */
export function readRecord(record: XmlElement, position: number): OaiRecord | RejectedRecord {
  const header = elementsOf(record.header)[0];
  const identifier = header ? textOf(header.identifier) : null;
  const datestamp = header ? textOf(header.datestamp) : null;
  const reject = (reason: string): RejectedRecord => ({ position, identifier, reason });
  if (!header || identifier === null || identifier === '') return reject('record header without identifier');
  if (datestamp === null || !/^\d{4}-\d{2}-\d{2}/.test(datestamp)) return reject('record without datestamp');
  const setSpecs = elementsOf(header.setSpec).flatMap((s) => textOf(s) ?? []);
  const deleted = textOf(header['@_status']) === 'deleted';
  const container = elementsOf(record.metadata)[0];
  const format = container
    ? Object.keys(container).find((k) => !k.startsWith('@_') && k !== '#text')
    : undefined;
  const element = format === undefined ? undefined : elementsOf(container![format])[0];
  const metadata = format !== undefined && element !== undefined ? { format, element } : null;
  if (!deleted && metadata === null) return reject('record without metadata');
  return {
    identifier,
    datestamp: datestamp.slice(0, 10),
    setSpecs,
    deleted,
    metadata: deleted ? null : metadata,
  };
}

function isRejected(r: OaiRecord | RejectedRecord): r is RejectedRecord {
  return 'reason' in r;
}

function resumptionOf(list: XmlElement): Pick<OaiPage, 'resumptionToken' | 'completeListSize' | 'cursor'> {
  const token = elementsOf(list.resumptionToken)[0];
  if (token === undefined) return { resumptionToken: null, completeListSize: null, cursor: null };
  const number = (v: string | null) => (v === null || !/^\d+$/.test(v) ? null : Number(v));
  const text = (textOf(token) ?? '').trim();
  return {
    // The last page of a list carries an empty token: the list is complete.
    resumptionToken: text === '' ? null : text,
    completeListSize: number(textOf(token['@_completeListSize'])),
    cursor: number(textOf(token['@_cursor'])),
  };
}

export class OaiPmhClient {
  constructor(
    private readonly baseUrl: string,
    private readonly http: HttpGetter,
  ) {}

  /** The URL of a ListRecords request: the first page from `args`, or the page a token names. */
  listRecordsUrl(args: ListRecordsArgs, resumptionToken?: string | null): string {
    // A resumptionToken is an exclusive argument: it must travel alone with the verb.
    if (resumptionToken) return this.url({ verb: 'ListRecords', resumptionToken });
    return this.url({
      verb: 'ListRecords',
      metadataPrefix: args.metadataPrefix,
      set: args.set ?? undefined,
      from: args.from ?? undefined,
      until: args.until ?? undefined,
    });
  }

  /**
   * One page of ListRecords. noRecordsMatch is an empty, complete list, as OAI-PMH defines it;
   * every other protocol error (badResumptionToken included) throws OaiError with its code.
   */
  async listRecords(args: ListRecordsArgs, resumptionToken?: string | null): Promise<OaiPage> {
    const url = this.listRecordsUrl(args, resumptionToken);
    const root = parseOaiDocument(await this.http.get(url, 'text/xml, application/xml'));
    const responseDate = responseDateOf(root, url);
    const errors = oaiErrors(root);
    if (errors.length > 0) {
      if (errors.every((e) => e.code === 'noRecordsMatch')) {
        const empty = { resumptionToken: null, completeListSize: 0, cursor: null };
        return { url, responseDate, records: [], rejected: [], ...empty };
      }
      throw toError(errors, url);
    }
    const list = elementsOf(root.ListRecords)[0];
    if (list === undefined) throw new OaiResponseError('response has neither ListRecords nor error', url);
    const read = elementsOf(list.record).map((r, i) => readRecord(r, i + 1));
    return {
      url,
      responseDate,
      records: read.filter((r): r is OaiRecord => !isRejected(r)),
      rejected: read.filter(isRejected),
      ...resumptionOf(list),
    };
  }

  /** GetRecord for one identifier ("oai:arXiv.org:1302.2146"); idDoesNotExist throws OaiError. */
  async getRecord(
    identifier: string,
    metadataPrefix: string,
  ): Promise<{ responseDate: string; record: OaiRecord }> {
    const url = this.url({ verb: 'GetRecord', identifier, metadataPrefix });
    const root = parseOaiDocument(await this.http.get(url, 'text/xml, application/xml'));
    const responseDate = responseDateOf(root, url);
    const errors = oaiErrors(root);
    if (errors.length > 0) throw toError(errors, url);
    const record = elementsOf(elementsOf(root.GetRecord)[0]?.record)[0];
    if (record === undefined) throw new OaiResponseError('response has neither GetRecord nor error', url);
    const read = readRecord(record, 1);
    if (isRejected(read)) throw new OaiResponseError(`unusable record: ${read.reason}`, url);
    return { responseDate, record: read };
  }

  private url(params: Record<string, string | undefined>): string {
    const url = new URL(this.baseUrl);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }
}

function toError(errors: { code: string; detail: string }[], url: string): OaiError {
  // Several errors are rare; the first names the code, the rest go into the message.
  const [first, ...rest] = errors;
  const detail = [first!.detail, ...rest.map((e) => `${e.code}: ${e.detail}`)].join('; ');
  return new OaiError(first!.code, detail, url);
}
