// Moderators' controls on a paper page: hide the paper (from lists, search, the API and its page),
// or, on a hidden paper's page (which only moderators can open), a banner and the unhide form.
import type { PaperDetail } from '../../db/repositories/paper-repository.ts';
import { paperPath } from '../paths.ts';
import { absoluteTime } from '../relative-time.ts';
import { isModerator, useViewer } from '../viewer-context.ts';
import { CsrfField } from './csrf-field.tsx';

export function PaperModeration({ paper }: { paper: Pick<PaperDetail, 'id' | 'hiddenAt'> }) {
  const { viewer } = useViewer();
  if (!isModerator(viewer)) return null;
  const hidden = paper.hiddenAt !== null;
  const form = (
    <form class="moderation-form" method="post" action={`/admin/papers/${hidden ? 'unhide' : 'hide'}`}>
      <CsrfField />
      <input type="hidden" name="paper" value={paper.id} />
      <input type="hidden" name="next" value={paperPath(paper.id)} />
      <label for="paper-moderation-reason">Reason (kept in the audit log)</label>
      <input id="paper-moderation-reason" class="text-input" name="reason" maxLength={500} />
      <button class="btn" type="submit">
        {hidden ? 'Unhide paper' : 'Hide paper'}
      </button>
    </form>
  );
  if (hidden) {
    return (
      <div class="moderation-banner" role="note">
        <p>
          <strong>Hidden by a moderator</strong> since {absoluteTime(paper.hiddenAt!)}: readers get “not
          found”, and the paper is left out of lists, search, feeds and the API.
        </p>
        {form}
      </div>
    );
  }
  return (
    <details class="paper-moderation">
      <summary>Moderate</summary>
      <p class="field-help">
        Hiding removes the paper from lists, search, feeds and the API; its page answers 404 to readers.
      </p>
      {form}
    </details>
  );
}
