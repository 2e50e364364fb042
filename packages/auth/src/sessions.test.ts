/**
 * Property test of the refresh-token rules (rotation, concurrent-refresh allowance, lost-answer recovery, reuse
 * detection) over random interleavings of refreshes with any previously issued token and clock advances.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { SqliteAuthStore } from '@cadenza/store/sqlite-auth';
import { AccessTokenIssuer, secretSigner } from './access-tokens.ts';
import type { UserRecord } from './auth-store.ts';
import { silentLogger } from './auth-logger.ts';
import { AuthError } from './errors.ts';
import { SessionService } from './sessions.ts';

type Step = { kind: 'refresh'; pick: number } | { kind: 'advance'; seconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('refresh' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 15 }) }),
);

test('refresh-token family: tokens never repeat, the newest token always works until reuse is detected, then nothing does', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      let now = 1_700_000_000_000;
      const store = new SqliteAuthStore(':memory:');
      try {
        const issuer = new AccessTokenIssuer({ signer: secretSigner('x'.repeat(32)), ttlSeconds: 3600, issuer: undefined, now: () => now });
        const sessions = new SessionService({ store, issuer, now: () => now, log: silentLogger, reuseIntervalSeconds: 10, sessionCacheMs: 0 });
        const user: UserRecord = {
          id: crypto.randomUUID(),
          email: 'p@example.com',
          emailSkeleton: 'p@example.com',
          passwordHash: null,
          role: 'authenticated',
          aud: 'authenticated',
          emailConfirmedAt: now,
          lastSignInAt: null,
          bannedUntil: null,
          appMetadata: {},
          userMetadata: {},
          isAnonymous: false,
          reauthenticationHash: null,
          reauthenticationSentAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await store.insertUser(user, {
          identityId: crypto.randomUUID(),
          userId: user.id,
          provider: 'email',
          providerId: user.id,
          identityData: {},
          email: user.email,
          lastSignInAt: null,
          createdAt: now,
          updatedAt: now,
        });
        const first = await sessions.start(user, { ip: null, userAgent: null });
        const issued = [first.refreshToken];
        let dead = false;
        for (const s of steps) {
          if (s.kind === 'advance') {
            now += s.seconds * 1000;
            continue;
          }
          const token = issued[s.pick % issued.length]!;
          try {
            const r = await sessions.refresh(token);
            assert.equal(dead, false, 'a revoked session never refreshes');
            assert.equal(issued.includes(r.refreshToken), false, 'tokens are never reissued');
            assert.equal(r.session.id, first.session.id);
            issued.push(r.refreshToken);
          } catch (err) {
            assert.ok(err instanceof AuthError);
            assert.ok(['refresh_token_already_used', 'refresh_token_not_found'].includes(err.code), err.code);
            if (err.code === 'refresh_token_already_used') dead = true;
            assert.ok(dead, 'a token is only refused once reuse was detected');
          }
          if (!dead) {
            // the newest token is always usable while the session lives (checked without consuming it)
            const newest = await store.getRefreshToken(sha256(issued.at(-1)!));
            assert.equal(newest?.revokedAt, null);
          }
        }
        assert.equal(await sessions.isActive(first.session.id), !dead);
      } finally {
        store.close();
      }
    }),
    { numRuns: 150 },
  );
});

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
