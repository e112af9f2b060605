// /submit: the form to submit a recent arXiv paper to today's list. After a refused submission the
// form comes back with what was typed, the message next to the field it is about, and, for a paper
// that is already listed, a link to it and its upvote button.
import type { ComponentChildren } from 'preact';
import { shortDate } from '../format.ts';
import { dayPath, paperPath } from '../paths.ts';
import { renderMathText } from '../render-math.ts';
import { CsrfField } from './csrf-field.tsx';
import { Layout } from './layout.tsx';
import { UpvoteButton } from './upvote-button.tsx';

export interface SubmitValues {
  id: string;
  githubRepo: string;
  projectPage: string;
  organization: string;
}

export const EMPTY_SUBMISSION: SubmitValues = { id: '', githubRepo: '', projectPage: '', organization: '' };

export interface SubmitPageProps {
  values: SubmitValues;
  /** Why the last attempt was refused; `parameter` names the field at fault. */
  error: { message: string; parameter?: string } | null;
  /** The paper is listed already: where, so the submitter can upvote it instead. */
  listed: { paperId: string; title: string; day: string; upvotes: number } | null;
  organizations: { name: string; fullname: string }[];
  rules: { maxAgeDays: number; perDay: number };
  /** Submissions the viewer has left today. */
  remaining: number;
}

type Field = keyof SubmitValues;

export function SubmitPage({ values, error, listed, organizations, rules, remaining }: SubmitPageProps) {
  const at = (field: Field) => (error?.parameter === field ? error.message : null);
  const general = error && !(['id', 'githubRepo', 'projectPage', 'organization'] as const).some((f) => at(f));
  return (
    <Layout title="Submit a paper" math={listed !== null}>
      <section class="submit-panel" aria-labelledby="submit-heading">
        <h1 id="submit-heading">Submit a paper</h1>
        <p class="submit-intro">
          Share a paper with the community: it joins today’s list with your upvote. Papers first posted on
          arXiv in the last {rules.maxAgeDays} days can be submitted, up to {rules.perDay} a day per account.{' '}
          <span class="submit-remaining">
            {remaining > 0
              ? `You can submit ${remaining} more today.`
              : 'You have reached today’s limit; you can submit again after midnight UTC.'}
          </span>
        </p>
        {general ? (
          <p id="submit-error" class="form-error submit-error" role="alert">
            {error.message}
          </p>
        ) : null}
        {listed ? <AlreadyListed {...listed} /> : null}
        <form class="submit-form" method="post" action="/submit">
          <CsrfField />
          <TextField
            field="id"
            label="arXiv identifier or link"
            hint="For example 2410.17243, 2410.17243v2, hep-th/9901001 or https://arxiv.org/abs/2410.17243"
            value={values.id}
            error={at('id')}
            required
            maxLength={300}
            autofocus={!error || at('id') !== null}
          />
          <TextField
            field="githubRepo"
            label="Code (optional)"
            hint="A GitHub repository: https://github.com/owner/repository"
            value={values.githubRepo}
            error={at('githubRepo')}
            type="url"
            maxLength={2000}
            placeholder="https://github.com/owner/repository"
          />
          <TextField
            field="projectPage"
            label="Project page (optional)"
            hint="A web page about the paper (http or https)"
            value={values.projectPage}
            error={at('projectPage')}
            type="url"
            maxLength={2000}
            placeholder="https://"
          />
          <TextField
            field="organization"
            label="Organization (optional)"
            hint="The lab or company behind the paper. Pick a known one or type a new name."
            value={values.organization}
            error={at('organization')}
            maxLength={100}
            list="submit-organizations"
          >
            <datalist id="submit-organizations">
              {organizations.map((o) => (
                <option value={o.fullname}>{o.name}</option>
              ))}
            </datalist>
          </TextField>
          <button class="btn btn-primary" type="submit">
            Submit paper
          </button>
        </form>
      </section>
    </Layout>
  );
}

function AlreadyListed({ paperId, title, day, upvotes }: NonNullable<SubmitPageProps['listed']>) {
  return (
    <div class="submit-listed">
      <UpvoteButton paperId={paperId} upvotes={upvotes} />
      <p>
        <a href={paperPath(paperId)} dangerouslySetInnerHTML={{ __html: renderMathText(title) }} /> is in the{' '}
        <a href={dayPath(day)}>daily papers of {shortDate(day)}</a>. Upvote it to help others find it.
      </p>
    </div>
  );
}

interface TextFieldProps {
  field: Field;
  label: string;
  hint: string;
  value: string;
  error: string | null;
  type?: 'text' | 'url';
  required?: boolean;
  maxLength: number;
  placeholder?: string;
  autofocus?: boolean;
  list?: string;
  children?: ComponentChildren;
}

function TextField(p: TextFieldProps) {
  const id = `submit-${p.field}`;
  const describedBy = [`${id}-hint`, p.error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div class="form-field">
      <label for={id}>{p.label}</label>
      <input
        id={id}
        class="text-input"
        type={p.type ?? 'text'}
        name={p.field}
        value={p.value}
        required={p.required}
        maxLength={p.maxLength}
        placeholder={p.placeholder}
        autofocus={p.autofocus}
        list={p.list}
        autocomplete="off"
        spellcheck={false}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      <p id={`${id}-hint`} class="field-hint">
        {p.hint}
      </p>
      {p.error ? (
        <p id={`${id}-error`} class="form-error" role="alert">
          {p.error}
        </p>
      ) : null}
      {p.children}
    </div>
  );
}
