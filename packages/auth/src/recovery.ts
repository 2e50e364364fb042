/**
 * @module recovery
 * Password recovery, GoTrue's way: a recovery request for a known account stores one single-use token (a new
 * request replaces the previous one) and mails two ways to redeem it — a 6-digit code (`verifyOtp` with email and
 * code) and a link to `/auth/v1/verify?token=<token_hash>&type=recovery&redirect_to=…` carrying a separate 256-bit
 * random `token_hash`. Redeeming either consumes the token and the caller then starts a session; the user sets a
 * new password with `PUT /user`.
 *
 * Promises: the store only ever holds a SHA-256 digest of the link token (256 random bits) and an HMAC of the
 * code under the server's secret (`hmac-secret.ts`: a stolen database does not give the code away); a token works once and
 * only until `ttlSeconds` after it was issued; after `maxCodeFailures` wrong codes for an account its token is
 * void (so guessing the 6 digits has at most that many tries per mailed code, whatever the number of client IPs or
 * servers: the store counts them, `RecoveryTokenStore.countWrongRecoveryCode`).
 * Every refusal of a code is the same `otp_expired` answer (unknown email, no token, wrong, expired, used), and of
 * a link likewise, so neither reveals whether an account exists.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { RecoveryTokenStore, UserRecord } from './auth-store.ts';
import type { AuthLogger } from './auth-logger.ts';
import { AuthError } from './errors.ts';
import type { CodeDigester } from './hmac-secret.ts';
import type { Mailer } from './mailer.ts';
import type { RedirectPolicy } from './redirect-policy.ts';
import type { UserService } from './users.ts';
import { sameDigest } from './same-digest.ts';

export interface RecoveryServiceOptions {
  store: RecoveryTokenStore;
  users: UserService;
  mailer: Mailer;
  /** Keys the code's digest. */
  codes: CodeDigester;
  redirects: RedirectPolicy;
  /** Public base URL of this server; links go to `<siteUrl>/auth/v1/verify`. */
  siteUrl: string;
  /** Token lifetime. GoTrue's `MAILER_OTP_EXP`: 3600 s. */
  ttlSeconds: number;
  /** Wrong codes per mailed token before it is void. */
  maxCodeFailures: number;
  now: () => number;
  log: AuthLogger;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** See the module note. */
export class RecoveryService {
  constructor(private readonly options: RecoveryServiceOptions) {}

  /**
   * Issues a new recovery token for `user` (voiding the previous one) and hands the message to the mailer. The
   * mailer is called before this returns but not awaited, so the answer's timing does not depend on it.
   */
  async start(user: UserRecord, redirectTo: unknown): Promise<void> {
    const { store, now, siteUrl, ttlSeconds } = this.options;
    const tokenHash = randomBytes(32).toString('hex');
    const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
    const at = now();
    await store.putRecoveryToken({
      userId: user.id,
      linkHash: sha256(tokenHash),
      otpHash: this.codeDigest(user.id, code),
      createdAt: at,
      expiresAt: at + ttlSeconds * 1000,
    });
    const query = new URLSearchParams({ token: tokenHash, type: 'recovery', redirect_to: this.options.redirects.resolve(redirectTo) });
    const link = `${siteUrl}/auth/v1/verify?${query.toString()}`;
    const minutes = Math.round(ttlSeconds / 60);
    const text = [
      `Someone asked to reset the password of the account ${user.email}.`,
      '',
      'Follow this link to sign in and choose a new password:',
      link,
      '',
      `Or enter this code: ${code}`,
      '',
      `The link and the code work once and expire in ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for this, ignore this message.`,
    ].join('\n');
    this.dispatch({ to: user.email, subject: 'Reset your password', text }, user.id);
  }

  /** The user whose current token has this code; consumes the token. Refusals: `otp_expired`, `user_banned`. */
  async redeemCode(email: string, code: string): Promise<UserRecord> {
    const { store, users } = this.options;
    const user = await users.findByEmail(email);
    const record = user && (await store.getRecoveryTokenByUser(user.id));
    if (!user || !record || record.expiresAt <= this.options.now()) throw new AuthError('otpExpired');
    if (!sameDigest(record.otpHash, this.codeDigest(user.id, code))) {
      if (await store.countWrongRecoveryCode(user.id, record.linkHash, this.options.maxCodeFailures)) {
        this.options.log.warn({ userId: user.id }, 'too many wrong recovery codes: the recovery token is void');
      }
      throw new AuthError('otpExpired');
    }
    return this.consume(user, record.linkHash, 'otpExpired');
  }

  /** The user of the link's `token_hash`; consumes the token. Refusals: `otp_expired` (link), `user_banned`. */
  async redeemLink(tokenHash: string): Promise<UserRecord> {
    const { store, users } = this.options;
    const record = await store.getRecoveryTokenByLink(sha256(tokenHash));
    if (!record || record.expiresAt <= this.options.now()) throw new AuthError('emailLinkExpired');
    const user = await users.findById(record.userId);
    if (!user) throw new AuthError('emailLinkExpired');
    return this.consume(user, record.linkHash, 'emailLinkExpired');
  }

  private codeDigest(userId: string, code: string): string {
    return this.options.codes.digest(`${userId}:${code}`);
  }

  private async consume(user: UserRecord, linkHash: string, refusal: 'otpExpired' | 'emailLinkExpired'): Promise<UserRecord> {
    if (user.bannedUntil !== null && user.bannedUntil > this.options.now()) throw new AuthError('verifyUserBanned');
    if (!(await this.options.store.consumeRecoveryToken(user.id, linkHash))) throw new AuthError(refusal);
    return user;
  }

  private dispatch(message: { to: string; subject: string; text: string }, userId: string): void {
    const failed = (err: unknown) => this.options.log.error({ err, userId }, 'the recovery mail could not be sent');
    try {
      this.options.mailer.send(message).catch(failed);
    } catch (err) {
      failed(err);
    }
  }
}
