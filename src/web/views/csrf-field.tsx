import { useViewer } from '../viewer-context.ts';

/** The hidden CSRF token every state-changing form must carry (pages sent with personal rendering). */
export function CsrfField() {
  const { csrfToken } = useViewer();
  return csrfToken ? <input type="hidden" name="_csrf" value={csrfToken} /> : null;
}
