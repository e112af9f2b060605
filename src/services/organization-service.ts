// Organization pages: one organization's papers, and the index of organizations.
import type { Page } from '../db/repositories/listing-repository.ts';
import type {
  Organization,
  OrganizationRepository,
  OrganizationSort,
  OrganizationWithCount,
} from '../db/repositories/organization-repository.ts';
import type { PaperSummary } from '../db/repositories/paper-summaries.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { MAX_PAGE, PAGE_SIZE } from './feed-service.ts';

export type {
  Organization,
  OrganizationSort,
  OrganizationWithCount,
} from '../db/repositories/organization-repository.ts';

export const ORGANIZATION_SORTS: readonly OrganizationSort[] = ['new', 'upvotes'];

export interface OrganizationPage {
  organization: Organization;
  paperCount: number;
  sort: OrganizationSort;
  page: number;
  papers: Page<PaperSummary>;
}

export interface OrganizationIndex {
  page: number;
  organizations: Page<OrganizationWithCount>;
}

export class OrganizationService {
  constructor(private readonly organizations: OrganizationRepository) {}

  /** The sort from a query parameter: absent means newest first. */
  static parseSort(raw: string | undefined): OrganizationSort {
    if (raw === undefined || raw === '') return 'new';
    if ((ORGANIZATION_SORTS as readonly string[]).includes(raw)) return raw as OrganizationSort;
    throw new InvalidInputError(`sort must be one of ${ORGANIZATION_SORTS.join(', ')}`, 'sort');
  }

  async page(name: string, sort: OrganizationSort, page: number): Promise<OrganizationPage> {
    checkPage(page);
    const organization = await this.organizations.byName(name);
    if (!organization) throw new NotFoundError(`no organization ${name}`);
    const [paperCount, papers] = await Promise.all([
      this.organizations.paperCount(organization.id),
      this.organizations.papers(organization.id, sort, PAGE_SIZE, page * PAGE_SIZE),
    ]);
    return { organization, paperCount, sort, page, papers };
  }

  async index(page: number): Promise<OrganizationIndex> {
    checkPage(page);
    return { page, organizations: await this.organizations.withPaperCounts(PAGE_SIZE, page * PAGE_SIZE) };
  }
}

function checkPage(page: number): void {
  if (!Number.isInteger(page) || page < 0 || page > MAX_PAGE) {
    throw new InvalidInputError(`page must be a whole number from 0 to ${MAX_PAGE}`, 'p');
  }
}
