import { Layout } from './layout.tsx';

export function ErrorPage({ status, message }: { status: number; message: string }) {
  const title = status === 404 ? 'Page not found' : status >= 500 ? 'Something went wrong' : 'Bad request';
  return (
    <Layout title={title}>
      <section class="error-page" aria-labelledby="error-heading">
        <p class="error-code">{status}</p>
        <h1 id="error-heading">{title}</h1>
        <p>{message}</p>
        <p>
          <a class="btn" href="/">
            Back to today’s papers
          </a>
        </p>
      </section>
    </Layout>
  );
}
