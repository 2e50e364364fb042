/**
 * @module users
 * Users of the built-in service: creation (sign-up and admin), password sign-in, profile updates, admin grant.
 *
 * Emails are normalised (`email-address.ts`: NFKC, lower-cased, no control characters or markup) and an address
 * that looks like another account's (same UTS #39 skeleton) is refused; accounts are confirmed at creation (no
 * confirmation mail). Sign-in answers
 * the same `invalid_credentials` for an unknown email, a user without a password and a wrong password, and
 * spends one bcrypt comparison in each case, so neither the answer nor its timing reveals whether an email exists.
 * The admin role lives in `app_metadata.role = 'admin'`, which users cannot edit.
 */
import type { AuthStore, IdentityRecord, UserRecord } from './auth-store.ts';
import { emailLookupKey, emailSkeleton, normaliseEmail } from './email-address.ts';
import { AuthError } from './errors.ts';
import { boundedText } from './bounded-text.ts';
import { assertAcceptablePassword, weakPasswordReasons, type PasswordHasher } from './passwords.ts';
import type { SessionService } from './sessions.ts';

export interface NewUser {
  email: string;
  password: string;
  /** Merged over `{ provider: 'email', providers: ['email'] }`. */
  appMetadata?: Record<string, unknown>;
  userMetadata?: Record<string, unknown>;
}

/** Changes a user may make to themselves (`PUT /user`). `data` keys set to null are removed. */
export interface UserChanges {
  email?: unknown;
  password?: unknown;
  data?: unknown;
}

export interface UserServiceOptions {
  store: AuthStore;
  hasher: PasswordHasher;
  sessions: SessionService;
  minPasswordLength: number;
  now: () => number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** User accounts; see the module note. */
export class UserService {
  constructor(private readonly options: UserServiceOptions) {}

  /** Creates a confirmed user with an `email` identity. Throws `user_already_exists` if the email is taken. */
  async createUser(input: NewUser): Promise<UserRecord> {
    const email = normaliseEmail(input.email);
    const password = assertAcceptablePassword(input.password, this.options.minPasswordLength);
    if (input.userMetadata !== undefined && !isPlainObject(input.userMetadata)) {
      throw new AuthError('validationFailed', 'user metadata must be an object');
    }
    const skeleton = emailSkeleton(email);
    if (await this.options.store.getUserByEmail(email)) throw new AuthError('userAlreadyExists');
    if ((await this.options.store.getUsersByEmailSkeleton(skeleton)).length > 0) throw new AuthError('emailLookAlike');
    const now = this.options.now();
    const id = crypto.randomUUID();
    const userMetadata = { ...(input.userMetadata ?? {}) };
    const user: UserRecord = {
      id,
      email,
      emailSkeleton: skeleton,
      passwordHash: await this.options.hasher.hash(password),
      role: 'authenticated',
      aud: 'authenticated',
      emailConfirmedAt: now,
      lastSignInAt: null,
      bannedUntil: null,
      appMetadata: { provider: 'email', providers: ['email'], ...(input.appMetadata ?? {}) },
      userMetadata,
      isAnonymous: false,
      reauthenticationHash: null,
      reauthenticationSentAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const identity: IdentityRecord = {
      identityId: crypto.randomUUID(),
      userId: id,
      provider: 'email',
      providerId: id,
      identityData: { ...userMetadata, sub: id, email, email_verified: false, phone_verified: false },
      email,
      lastSignInAt: null,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.options.store.insertUser(user, identity))) throw new AuthError('userAlreadyExists');
    return user;
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return this.options.store.getUserByEmail(emailLookupKey(email));
  }

  /** A page of users ordered by email (admin listing). */
  list(page: { limit: number; afterEmail?: string }): Promise<UserRecord[]> {
    return this.options.store.listUsers(page);
  }

  /**
   * Deletes a user with everything of it. Its sessions end first (announced to `onRevoked`, so live connections
   * are cut); the store's delete then takes identities, tokens and a pending recovery.
   */
  async deleteUser(email: string): Promise<UserRecord> {
    const user = await this.requireByEmail(email);
    await this.options.sessions.revokeUserSessions(user.id);
    await this.options.store.deleteUser(user.id);
    return user;
  }

  private async requireByEmail(email: string): Promise<UserRecord> {
    const user = await this.findByEmail(email);
    if (!user) throw new AuthError('userNotFound', `No user with email ${boundedText(emailLookupKey(email))}`);
    return user;
  }

  findById(id: string): Promise<UserRecord | undefined> {
    return this.options.store.getUserById(id);
  }

  identities(userId: string): Promise<IdentityRecord[]> {
    return this.options.store.listIdentities(userId);
  }

  /** Sets `app_metadata.role = 'admin'`. Existing tokens keep their claims until refreshed. */
  async grantAdmin(email: string): Promise<UserRecord> {
    return this.setAppMetadata(email, { role: 'admin' });
  }

  /** Records a sign-in that did not go through `authenticate` (sign-up signs the new user in). */
  recordSignIn(userId: string, at: number): Promise<void> {
    return this.options.store.recordSignIn(userId, 'email', at);
  }

  /** Operator password reset (admin CLI): sets the password and ends every session of the user. */
  async setPassword(email: string, password: string): Promise<UserRecord> {
    const user = await this.requireByEmail(email);
    const hash = await this.options.hasher.hash(assertAcceptablePassword(password, this.options.minPasswordLength));
    const next = { ...user, passwordHash: hash, updatedAt: this.options.now() };
    await this.options.store.updateUser(next);
    await this.options.sessions.revokeUserSessions(user.id);
    return next;
  }

  /**
   * Removes the admin role and ends the user's sessions, so no live token or refresh keeps admin rights; the
   * user signs in again as a regular user.
   */
  async revokeAdmin(email: string): Promise<UserRecord> {
    const user = await this.setAppMetadata(email, { role: null });
    await this.options.sessions.revokeUserSessions(user.id);
    return user;
  }

  /**
   * Checks an email and password. Returns the user (with `last_sign_in_at` updated) and the reasons the correct
   * password fails today's policy, if any; throws `invalid_credentials` or `user_banned`.
   */
  async authenticate(email: unknown, password: unknown): Promise<{ user: UserRecord; weakReasons: string[] }> {
    const key = typeof email === 'string' ? emailLookupKey(email) : '';
    const user = key ? await this.options.store.getUserByEmail(key) : undefined;
    const pw = typeof password === 'string' ? password : '';
    const ok = await this.options.hasher.verify(pw, user?.passwordHash ?? null);
    if (!user || !ok || pw === '') throw new AuthError('invalidCredentials');
    const now = this.options.now();
    if (user.bannedUntil !== null && user.bannedUntil > now) throw new AuthError('userBanned');
    await this.options.store.recordSignIn(user.id, 'email', now);
    return { user: { ...user, lastSignInAt: now }, weakReasons: weakPasswordReasons(pw, this.options.minPasswordLength) };
  }

  /**
   * Applies a user's own changes. A new password must differ from the old one and ends every other session of
   * the user (the caller's `sessionId` survives). A new email applies at once (accounts are auto-confirmed).
   */
  async update(userId: string, sessionId: string | undefined, changes: UserChanges): Promise<UserRecord> {
    const { store } = this.options;
    const current = await store.getUserById(userId);
    if (!current) throw new AuthError('userNotFound');
    const next: UserRecord = { ...current, userMetadata: { ...current.userMetadata } };
    let passwordChanged = false;

    if (changes.data !== undefined && changes.data !== null) {
      if (!isPlainObject(changes.data)) throw new AuthError('validationFailed', 'data must be an object');
      for (const [k, v] of Object.entries(changes.data)) {
        if (v === null) delete next.userMetadata[k];
        else next.userMetadata[k] = v;
      }
    }
    if (changes.password !== undefined && changes.password !== null && changes.password !== '') {
      const password = assertAcceptablePassword(changes.password, this.options.minPasswordLength, 'Password update requires a valid password');
      if (current.passwordHash && (await this.options.hasher.verify(password, current.passwordHash))) throw new AuthError('samePassword');
      next.passwordHash = await this.options.hasher.hash(password);
      passwordChanged = true;
    }
    let emailChanged = false;
    if (changes.email !== undefined && changes.email !== null && changes.email !== '') {
      const email = normaliseEmail(changes.email);
      if (email !== current.email) {
        const other = await store.getUserByEmail(email);
        if (other && other.id !== userId) throw new AuthError('emailExists');
        const skeleton = emailSkeleton(email);
        if ((await store.getUsersByEmailSkeleton(skeleton)).some((u) => u.id !== userId)) throw new AuthError('emailLookAlike');
        next.email = email;
        next.emailSkeleton = skeleton;
        next.emailConfirmedAt = this.options.now();
        emailChanged = true;
      }
    }
    next.updatedAt = this.options.now();
    if (!(await store.updateUser(next))) throw new AuthError('emailExists');
    if (emailChanged) await this.syncEmailIdentity(next);
    if (passwordChanged) await this.options.sessions.revokeUserSessions(userId, sessionId ? { except: sessionId } : {});
    return next;
  }

  private async syncEmailIdentity(user: UserRecord): Promise<void> {
    for (const identity of await this.options.store.listIdentities(user.id)) {
      if (identity.provider !== 'email') continue;
      await this.options.store.updateIdentity({
        ...identity,
        email: user.email,
        identityData: { ...identity.identityData, email: user.email },
        updatedAt: user.updatedAt,
      });
    }
  }

  private async setAppMetadata(email: string, patch: Record<string, unknown>): Promise<UserRecord> {
    const user = await this.requireByEmail(email);
    const appMetadata = { ...user.appMetadata };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete appMetadata[k];
      else appMetadata[k] = v;
    }
    const next = { ...user, appMetadata, updatedAt: this.options.now() };
    await this.options.store.updateUser(next);
    return next;
  }
}
