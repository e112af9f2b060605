import { Layout } from './layout.tsx';

/** The parts of an OpenAPI 3 document this page shows. */
export interface ApiDoc {
  info: { title: string; description?: string };
  paths: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        parameters?: {
          name: string;
          in: string;
          required?: boolean;
          description?: string;
          schema?: { type?: string; default?: unknown; enum?: unknown[] };
        }[];
        /** JSON bodies of write endpoints. */
        requestBody?: { content?: Record<string, { schema?: BodySchema; example?: unknown }> };
        /** Write endpoints name the API-token scheme here. */
        security?: Record<string, unknown>[];
      }
    >
  >;
}

interface BodySchema {
  properties?: Record<string, { type?: string; default?: unknown; description?: string }>;
  required?: string[];
}

type Operation = ApiDoc['paths'][string][string];
type Parameter = NonNullable<Operation['parameters']>[number];

/** Path and query parameters, then the fields of a JSON body, in one list. */
function parametersOf(op: Operation): Parameter[] {
  const body = op.requestBody?.content?.['application/json']?.schema;
  const fields = Object.entries(body?.properties ?? {}).map(([name, field]) => ({
    name,
    in: 'body (JSON)',
    required: body?.required?.includes(name) ?? false,
    description: field.description,
    schema: { type: field.type, default: field.default },
  }));
  return [...(op.parameters ?? []), ...fields];
}

/** A curl command line for the endpoint: method, token and example body when it takes them. */
function curlExample(baseUrl: string, path: string, method: string, op: Operation): string {
  const parts = ['curl'];
  if (method !== 'get') parts.push(`-X ${method.toUpperCase()}`);
  if (op.security && op.security.length > 0) parts.push("-H 'Authorization: Bearer pb_…'");
  const example = op.requestBody?.content?.['application/json']?.example;
  if (example !== undefined)
    parts.push("-H 'Content-Type: application/json'", `-d '${JSON.stringify(example)}'`);
  parts.push(`${baseUrl}${path.replace('{id}', '2410.17243')}`);
  return parts.join(' ');
}

export function ApiPage({ doc, baseUrl }: { doc: ApiDoc; baseUrl: string }) {
  return (
    <Layout title="API reference" section={null}>
      <article class="api-page" aria-labelledby="api-heading">
        <h1 id="api-heading">API reference</h1>
        <p>{doc.info.description}</p>
        <p>
          The machine-readable OpenAPI 3 document is at <a href="/api/openapi.json">/api/openapi.json</a>.
          Reads need no key, allow any origin, and send <code>ETag</code> and <code>Last-Modified</code> for
          cheap revalidation. Invalid parameters get <code>400</code> with{' '}
          <code>{'{"error": {"status", "message", "parameter"}}'}</code>. Writes need a personal API token
          (Settings → API tokens), sent as <code>Authorization: Bearer pb_…</code>.
        </p>
        {Object.entries(doc.paths).flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, op]) => (
            <section class="api-endpoint" aria-label={`${method.toUpperCase()} ${path}`}>
              <h2>
                <code>
                  {method.toUpperCase()} {path}
                </code>
              </h2>
              <p>{op.summary}</p>
              {op.security && op.security.length > 0 ? (
                <p class="api-auth">
                  Needs an API token: <code>Authorization: Bearer pb_…</code>
                </p>
              ) : null}
              {parametersOf(op).length > 0 ? (
                <table class="api-params">
                  <thead>
                    <tr>
                      <th scope="col">Parameter</th>
                      <th scope="col">In</th>
                      <th scope="col">Type</th>
                      <th scope="col">Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {parametersOf(op).map((p) => (
                      <tr>
                        <td>
                          <code>{p.name}</code>
                          {p.required ? ' (required)' : ''}
                        </td>
                        <td>{p.in}</td>
                        <td>
                          {p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.type ?? '')}
                          {p.schema?.default !== undefined ? `, default ${String(p.schema.default)}` : ''}
                        </td>
                        <td>{p.description ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              <p>
                Example: <code>{curlExample(baseUrl, path, method, op)}</code>
              </p>
            </section>
          )),
        )}
      </article>
    </Layout>
  );
}
