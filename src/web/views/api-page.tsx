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
      }
    >
  >;
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
          <code>{'{"error": {"status", "message", "parameter"}}'}</code>.
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
              {op.parameters && op.parameters.length > 0 ? (
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
                    {op.parameters.map((p) => (
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
                Example: <code>curl {`${baseUrl}${path.replace('{id}', '2410.17243')}`}</code>
              </p>
            </section>
          )),
        )}
      </article>
    </Layout>
  );
}
