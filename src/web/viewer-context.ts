// Who is looking at the page, available to every view without passing it through each component.
// sendPage wraps the page in this context; pages for signed-in readers are rendered per request
// (never from the shared page cache) because they carry the reader's name, votes and CSRF token.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface Viewer {
  id: number;
  handle: string;
  displayName: string;
  role: 'user' | 'moderator' | 'admin';
}

export interface ViewerState {
  viewer: Viewer | null;
  /** The token every state-changing form posts back as `_csrf`; null for anonymous pages. */
  csrfToken: string | null;
  /** The request's path and query, for "sign in to vote" links that come back here. */
  currentPath: string;
  /** Ids of the papers the viewer upvoted (empty for anonymous pages), for vote buttons. */
  upvoted: ReadonlySet<string>;
}

export const NO_UPVOTES: ReadonlySet<string> = new Set<string>();

export const ViewerContext = createContext<ViewerState>({
  viewer: null,
  csrfToken: null,
  currentPath: '/',
  upvoted: NO_UPVOTES,
});

export function useViewer(): ViewerState {
  return useContext(ViewerContext);
}

export function isModerator(viewer: Viewer | null): boolean {
  return viewer?.role === 'moderator' || viewer?.role === 'admin';
}
