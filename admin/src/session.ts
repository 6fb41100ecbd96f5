/** The signed-in person, shared by every screen. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role, Session } from './api-types.js';
import type { Access } from './areas.js';

export interface SessionState {
  session: Session;
  role: Role;
  access: Access;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in screen');
  return s;
}
