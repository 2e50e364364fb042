/**
 * Sign-in through supabase-js, against the server's built-in Supabase-compatible auth or an external Supabase
 * project (whichever the page config names). supabase-js keeps the session in localStorage and refreshes it
 * before it expires; the connection asks it for a token whenever centrifuge-js needs one (connection.ts).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { PageConfig } from '../page-config.ts';

export type Auth = SupabaseClient['auth'];

export function createAuth(config: PageConfig): Auth {
  const url = config.auth.url ?? location.origin;
  if (!config.auth.anonKey) throw new Error('sign-in is not configured: the server needs CADENZA_SUPABASE_ANON_KEY (the project’s anon key)');
  const supabase = createClient(url, config.auth.anonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: true, storageKey: 'cadenza-console-auth' },
  });
  return supabase.auth;
}

/** An auth refusal in words a person can act on. */
export function authErrorText(err: unknown): string {
  const e = err as { code?: string; message?: string; status?: number; name?: string };
  switch (e.code) {
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'user_already_exists':
    case 'email_exists':
      return 'An account with this email already exists. Log in instead.';
    case 'weak_password':
      return `That password is too weak${e.message ? `: ${e.message}` : '.'}`;
    case 'email_not_confirmed':
      return 'Confirm your email address first (see the message we sent you).';
    case 'over_request_rate_limit':
    case 'over_email_send_rate_limit':
      return 'Too many attempts. Wait a minute and try again.';
  }
  if (e.name === 'AuthRetryableFetchError' || e.status === 0) return 'The server cannot be reached. Check your connection and try again.';
  return e.message ? `${e.message[0]!.toUpperCase()}${e.message.slice(1)}` : 'Sign-in failed.';
}
