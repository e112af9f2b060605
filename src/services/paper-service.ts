import type { PaperDetail, PaperRepository } from '../db/repositories/paper-repository.ts';
import { NotFoundError } from './errors.ts';

export class PaperService {
  constructor(private readonly papers: PaperRepository) {}

  async get(id: string): Promise<PaperDetail> {
    const paper = await this.papers.findById(id);
    if (!paper) throw new NotFoundError(`no paper ${id}`);
    return paper;
  }
}
