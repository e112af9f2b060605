// `paperboy embed`: runs the embedding job once in the foreground and prints its report. A
// running server picks the new vectors up at its next embedding round.
import type { Container } from '../main/container.ts';

/** Returns the process exit code: 0 when the job succeeded. */
export async function embedOnce(container: Container): Promise<number> {
  const { semantic, embedJob } = container;
  if (!semantic || !embedJob) {
    console.error(
      'paperboy embed: embeddings are off. Set EMBEDDINGS=local or EMBEDDINGS=openai (see --help).',
    );
    return 1;
  }
  console.log(`Embedding papers with ${semantic.model} …`);
  const report = await embedJob.run();
  const counts = `${report.embedded} embedded, ${report.failed} failed, ${report.unchanged} unchanged`;
  const given = report.givenUp > 0 ? `, ${report.givenUp} given up` : '';
  console.log(`${report.status}: ${counts}${given}${report.reason ? `\n${report.reason}` : ''}`);
  return report.status === 'success' ? 0 : 1;
}
