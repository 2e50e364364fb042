/**
 * @module model/caller
 * Who is calling: passed into every service call; services enforce ownership with it.
 */
export interface CallerContext {
  /** Verified user id (JWT `sub`). */
  userId: string;
  /** `app_metadata.role === 'admin'`: may read everything and call service methods. */
  isAdmin: boolean;
  sessionId?: string;
}

/** The domain itself acting (recovery on start, venue events): owner checks pass. */
export const SYSTEM_CALLER: CallerContext = { userId: 'system', isAdmin: true };
