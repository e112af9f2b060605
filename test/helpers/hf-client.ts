// A client written the way huggingface_hub's PaperInfo reads the papers API: it accepts both a
// bare paper object and a daily-papers item wrapping one in "paper", and reads only HF's names.

export interface PaperInfo {
  id: string;
  title: string | null;
  summary: string | null;
  authors: string[];
  publishedAt: Date | null;
  upvotes: number | null;
  numComments: number | null;
  githubRepo: string | null;
}

type Json = Record<string, unknown>;

export function paperInfo(raw: Json): PaperInfo {
  const paper = (raw.paper as Json | undefined) ?? {};
  const pick = (key: string): unknown => raw[key] ?? paper[key];
  const authors = (paper.authors ?? raw.authors ?? []) as { name: string }[];
  const published = pick('publishedAt');
  return {
    id: String(pick('id')),
    title: (pick('title') as string | undefined) ?? null,
    summary: (pick('summary') as string | undefined) ?? null,
    authors: authors.map((a) => a.name),
    publishedAt: typeof published === 'string' ? new Date(published) : null,
    upvotes: (pick('upvotes') as number | undefined) ?? null,
    numComments: (pick('numComments') as number | undefined) ?? null,
    githubRepo: (pick('githubRepo') as string | undefined) ?? null,
  };
}

export class HfPapersClient {
  constructor(private readonly fetchJson: (path: string) => Promise<unknown>) {}

  async paperInfo(id: string): Promise<PaperInfo> {
    return paperInfo((await this.fetchJson(`/api/papers/${id}`)) as Json);
  }

  async listPapers(query: string): Promise<PaperInfo[]> {
    const items = (await this.fetchJson(`/api/papers/search?q=${encodeURIComponent(query)}`)) as Json[];
    return items.map(paperInfo);
  }

  async listDailyPapers(date?: string): Promise<PaperInfo[]> {
    const items = (await this.fetchJson(`/api/daily_papers${date ? `?date=${date}` : ''}`)) as Json[];
    return items.map(paperInfo);
  }
}
