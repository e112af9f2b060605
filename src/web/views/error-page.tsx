import { Layout } from './layout.tsx';

const TITLES: Record<number, string> = {
  401: 'Sign in needed',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'Conflict',
  429: 'Too many requests',
  503: 'Temporarily unavailable',
};

export function ErrorPage({ status, message }: { status: number; message: string }) {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Bad request');
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
