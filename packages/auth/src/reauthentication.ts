/**
 * @module reauthentication
 * Proof that the person changing an account's email or password is its owner, not someone holding a stolen access
 * token (GoTrue's "secure email change" and reauthentication nonce, as supabase-js drives them).
 *
 * - A new **email** needs the current password (`current_password`) or a reauthentication nonce (`nonce`).
 * - A new **password** needs one of those too, unless the session was signed in within `recentSignInSeconds`
 *   (default 10 min): the password-recovery flow signs the user in by the mailed code and sets the new password
 *   right after, and a fresh password sign-in has just proven the password.
 * - `GET /reauthenticate` mails a 6-digit nonce (through the `Mailer`) to the account's address: at most one per
 *   `intervalSeconds` (60), valid `ttlSeconds` (10 min), single use, void after `maxFailures` (5) wrong tries (counted
 *   in the store, so together on every server). Only its HMAC (`hmac-secret.ts`) is stored, on the user row.
 * Refusals: 400 `reauthentication_needed` (no proof), 400 `reauthentication_not_valid` (wrong, used or expired
 * nonce), 400 `invalid_credentials` "Invalid current password".
 *
 * Single use holds across concurrent requests and servers: a nonce passes only if the store's compare-and-clear
 * (`AuthStore.clearReauthentication`) cleared it, so of two changes carrying one nonce exactly one goes through;
 * wrong tries are counted (and the nonce voided) by the store against the nonce that was guessed at, and the send
 * interval is the store's conditional `startReauthentication`.
 */
import { randomInt } from 'node:crypto';
import type { AuthStore, UserRecord } from './auth-store.ts';
import type { AuthLogger } from './auth-logger.ts';
import { AuthError } from './errors.ts';
import type { CodeDigester } from './hmac-secret.ts';
import type { Mailer } from './mailer.ts';
import type { PasswordHasher } from './passwords.ts';
import { sameDigest } from './same-digest.ts';

export interface ReauthenticationOptions {
  store: AuthStore;
  hasher: PasswordHasher;
  codes: CodeDigester;
  mailer: Mailer;
  now: () => number;
  log: AuthLogger;
  ttlSeconds?: number;
  intervalSeconds?: number;
  maxFailures?: number;
  recentSignInSeconds?: number;
}

/** What the caller offered as proof. */
export interface ReauthenticationProof {
  currentPassword?: unknown;
  nonce?: unknown;
}

const present = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** See the module note. */
export class ReauthenticationService {
  constructor(private readonly options: ReauthenticationOptions) {}

  /** Mails a new nonce to the user (replacing a pending one); 429 when asked again within the interval. */
  async send(user: UserRecord): Promise<void> {
    const now = this.options.now();
    const interval = (this.options.intervalSeconds ?? 60) * 1000;
    const tooSoon = (sentAt: number | null | undefined) =>
      new AuthError('overEmailSendRateLimit', `For security purposes, you can only request this after ${Math.max(1, Math.ceil(((sentAt ?? now) + interval - now) / 1000))} seconds.`);
    if (user.reauthenticationSentAt !== null && now - user.reauthenticationSentAt < interval) throw tooSoon(user.reauthenticationSentAt);
    const nonce = randomInt(0, 1_000_000).toString().padStart(6, '0');
    // A concurrent send (another tab, another server) may have taken the interval since `user` was read.
    if (!(await this.options.store.startReauthentication(user.id, this.digest(user.id, nonce), now, now - interval))) {
      throw tooSoon((await this.options.store.getUserById(user.id))?.reauthenticationSentAt);
    }
    const minutes = Math.round((this.options.ttlSeconds ?? 600) / 60);
    const text = [
      `Someone signed in as ${user.email} asked to change the account's email address or password.`,
      '',
      `Enter this code to confirm it is you: ${nonce}`,
      '',
      `The code works once and expires in ${minutes} minutes. If this was not you, change your password: someone may have your session.`,
    ].join('\n');
    this.options.mailer.send({ to: user.email, subject: 'Confirm it is you', text }).catch((err: unknown) => this.options.log.error({ err, userId: user.id }, 'the reauthentication mail could not be sent'));
  }

  /**
   * Throws unless the caller proved ownership for these changes (see the module note). A nonce that passes is
   * consumed. `signedInAt` is the session's sign-in time (unix s).
   */
  async confirm(user: UserRecord, change: { email: boolean; password: boolean }, proof: ReauthenticationProof, signedInAt: number | undefined): Promise<void> {
    if (!change.email && !change.password) return;
    const now = this.options.now();
    if (present(proof.currentPassword)) {
      if (!(await this.options.hasher.verify(proof.currentPassword, user.passwordHash))) throw new AuthError('currentPasswordInvalid');
      return;
    }
    if (present(proof.nonce)) return this.consumeNonce(user, proof.nonce.trim(), now);
    const recent = (this.options.recentSignInSeconds ?? 600) * 1000;
    if (!change.email && signedInAt !== undefined && now - signedInAt * 1000 <= recent) return;
    throw new AuthError('reauthenticationNeeded');
  }

  /** `user` is as read before: it only spares the store a write for a nonce that cannot match; the store decides. */
  private async consumeNonce(user: UserRecord, nonce: string, now: number): Promise<void> {
    const sentSince = now - (this.options.ttlSeconds ?? 600) * 1000;
    const pending = user.reauthenticationHash;
    if (pending === null || user.reauthenticationSentAt === null || user.reauthenticationSentAt < sentSince) throw new AuthError('reauthenticationNotValid');
    if (!sameDigest(pending, this.digest(user.id, nonce))) {
      if (await this.options.store.countWrongReauthentication(user.id, pending, this.options.maxFailures ?? 5)) {
        this.options.log.warn({ userId: user.id }, 'too many wrong reauthentication nonces: the nonce is void');
      }
      throw new AuthError('reauthenticationNotValid');
    }
    if (!(await this.options.store.clearReauthentication(user.id, pending, sentSince))) throw new AuthError('reauthenticationNotValid');
  }

  private digest(userId: string, nonce: string): string {
    return this.options.codes.digest(`reauthenticate:${userId}:${nonce}`);
  }
}
