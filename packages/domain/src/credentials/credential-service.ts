/**
 * @module credentials/credential-service
 * Create, list, revoke, rotate and verify venue credentials. Secrets are sealed by the vault before they reach
 * the store and are never returned; changes are pushed as `event.credential.updated` on `user:{userId}`.
 */
import type { RpcCreateCredentialParams, RpcRotateCredentialParams, RpcTradingAccountCredential } from '@cadenza/contract';
import { CredentialStatusValues } from '@cadenza/contract';
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { CallerContext } from '../model/caller.ts';
import type { CredentialFilter, Paged } from '../ports/store.ts';
import type { AccountRegistry } from '../accounts/account-registry.ts';
import type { TradingAccountService } from '../accounts/trading-account-service.ts';
import type { TradingAccount } from '../model/trading-account.ts';
import type { Credential, CredentialSecrets } from '../model/credential.ts';
import type { CredentialVault } from './credential-vault.ts';
import type { CredentialRegistry } from './credential-registry.ts';
import { maskApiKey, toRpcCredential } from './rpc-credential.ts';

/** `command.credential.create`'s params; the account is optional (REST creates credentials on their own). */
export type CredentialDraft = Omit<RpcCreateCredentialParams, 'tradingAccountId'> & { tradingAccountId?: string };

/** Credential types that are a single token (no separate secret). */
const TOKEN_ONLY = new Set(['TOKEN', 'OAUTH']);

export class CredentialService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly accounts: AccountRegistry,
    private readonly tradingAccounts: TradingAccountService,
    private readonly vault: CredentialVault,
    private readonly credentials: CredentialRegistry,
  ) {}

  /**
   * A new credential of the caller. With a `tradingAccountId` (the RPC) it is attached to that account at once;
   * without one (REST `credential/create`) it waits to be attached by `connect`'s `credentials`.
   */
  create(caller: CallerContext, p: CredentialDraft): Credential {
    const account = p.tradingAccountId === undefined ? undefined : this.accounts.requireOwned(caller, p.tradingAccountId);
    if (account && p.venue !== account.venue) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', `credential venue ${boundedText(String(p.venue))} differs from the account venue ${account.venue}`);
    if (!account) this.ctx.venues.require(p.venue);
    const secrets = this.secretsOf(p.credentialType, p);
    const now = this.ctx.clock.now();
    const c: Credential = {
      credentialId: this.ctx.ids.uuid(),
      userId: account?.userId ?? caller.userId,
      venue: p.venue,
      credentialType: p.credentialType as string,
      status: 'CREATED',
      apiKeyMasked: maskApiKey(secrets.apiKey),
      secretCiphertext: this.vault.seal(secrets),
      createdAt: now,
      updatedAt: now,
    };
    if (account) c.tradingAccountId = account.tradingAccountId;
    if (p.nickname !== undefined) {
      if (p.nickname.length > 200) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', 'nickname must be at most 200 characters');
      c.nickname = p.nickname;
    }
    this.ctx.unit.run(() => {
      this.credentials.put(c, true);
      if (account) this.tradingAccounts.attachCredentials(caller, account, [c.credentialId]);
      this.publish(c);
    });
    return c;
  }

  list(caller: CallerContext, filter: CredentialFilter, page: { offset: number; limit: number }): Promise<Paged<Credential>> {
    return this.ctx.store.listCredentials({ ...filter, ...(caller.isAdmin ? {} : { userId: caller.userId }) }, page);
  }

  revoke(caller: CallerContext, credentialId: string): Credential {
    const c = this.requireOwned(caller, credentialId);
    if (c.status === 'REVOKED') return c;
    const now = this.ctx.clock.now();
    const next: Credential = { ...c, status: 'REVOKED', revokedAt: now, updatedAt: now };
    this.ctx.unit.run(() => {
      this.credentials.put(next, false);
      for (const a of this.accounts.using(credentialId)) {
        this.accounts.recordOperation({ tradingAccountId: a.tradingAccountId, operateBy: caller.userId, tags: ['CREDENTIAL_REVOKE'], previousValues: { credentialId, status: c.status }, newValues: { credentialId, status: 'REVOKED' } });
      }
      this.publish(next);
    });
    return next;
  }

  /** New secrets for the same credential id; it must be verified again (status CREATED). */
  rotate(caller: CallerContext, p: RpcRotateCredentialParams): Credential {
    const c = this.requireOwned(caller, p.credentialId);
    if (c.status === 'REVOKED') throw new DomainError('CREDENTIAL_REVOKED', `credential ${c.credentialId} is revoked`);
    const type = p.credentialType ?? c.credentialType;
    const old = this.vault.open(c);
    const secrets = this.secretsOf(type, { apiKey: p.apiKey ?? old.apiKey, secretKey: p.secretKey, secretPassphrase: p.secretPassphrase });
    const next: Credential = {
      ...c,
      credentialType: type,
      status: 'CREATED',
      apiKeyMasked: maskApiKey(secrets.apiKey),
      secretCiphertext: this.vault.seal(secrets),
      updatedAt: this.ctx.clock.now(),
    };
    this.ctx.unit.run(() => {
      this.credentials.put(next, false);
      for (const a of this.accounts.using(c.credentialId)) {
        this.accounts.recordOperation({ tradingAccountId: a.tradingAccountId, operateBy: caller.userId, tags: ['CREDENTIAL_ROTATE'], previousValues: { credentialId: c.credentialId, apiKey: c.apiKeyMasked }, newValues: { credentialId: c.credentialId, apiKey: next.apiKeyMasked } });
      }
      this.publish(next);
    });
    return next;
  }

  /**
   * Asks each credential's venue whether it is valid. Valid ones become ACTIVE; the first invalid one answers
   * CREDENTIAL_VERIFICATION_FAILED with the venue's reason. Returns the trading accounts the credentials are attached to.
   */
  async verify(caller: CallerContext, credentialIds: string[]): Promise<TradingAccount[]> {
    if (credentialIds.length === 0) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', 'credentialIds or credentials[].credentialId is required');
    const creds = [...new Set(credentialIds)].map((id) => this.requireOwned(caller, id));
    const accounts = new Map<string, TradingAccount>();
    for (const c of creds) {
      if (c.status === 'REVOKED') throw new DomainError('CREDENTIAL_REVOKED', `credential ${c.credentialId} is revoked`);
      const venue = this.ctx.venues.require(c.venue);
      let verdict: { valid: boolean; reason?: string };
      if (venue.verifyCredential) {
        try {
          verdict = await venue.verifyCredential(this.vault.venueCredential(c));
        } catch (err) {
          throw new DomainError('VENUE_UNAVAILABLE', `venue ${c.venue} could not verify the credential`, { cause: err });
        }
      } else if (!venue.capabilities.requiresCredential) {
        verdict = { valid: true };
      } else {
        throw new DomainError('VENUE_CAPABILITY_MISSING', `venue ${c.venue} cannot verify credentials`);
      }
      if (!verdict.valid) {
        throw new DomainError('CREDENTIAL_VERIFICATION_FAILED', `credential ${c.credentialId} rejected by ${c.venue}${verdict.reason ? `: ${verdict.reason}` : ''}`);
      }
      if (c.status !== 'ACTIVE') {
        const next: Credential = { ...c, status: 'ACTIVE', updatedAt: this.ctx.clock.now() };
        this.credentials.put(next, false);
        this.publish(next);
      }
      for (const a of this.accounts.using(c.credentialId)) accounts.set(a.tradingAccountId, a);
    }
    return [...accounts.values()];
  }

  /** Admin metadata update (command.credential.save); the contract's credential model carries no secrets. */
  save(caller: CallerContext, input: RpcTradingAccountCredential): Credential {
    if (!input.credentialId) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', 'credential.credentialId is required');
    const c = this.requireOwned(caller, input.credentialId);
    const next: Credential = { ...c, updatedAt: this.ctx.clock.now() };
    if (input.nickname !== undefined) next.nickname = input.nickname;
    if (input.status !== undefined) {
      if (!(CredentialStatusValues as readonly string[]).includes(input.status)) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', `unknown status ${boundedText(input.status)}`);
      next.status = input.status;
      if (input.status === 'REVOKED' && next.revokedAt === undefined) next.revokedAt = next.updatedAt;
    }
    this.credentials.put(next, false);
    this.publish(next);
    return next;
  }

  private requireOwned(caller: CallerContext, credentialId: string): Credential {
    return this.credentials.requireOwned(caller, credentialId);
  }

  private secretsOf(type: string | null | undefined, p: { apiKey?: string; secretKey?: string; secretPassphrase?: string }): CredentialSecrets {
    if (!type) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', 'credentialType is required');
    for (const [k, v] of Object.entries(p)) {
      if (typeof v === 'string' && v.length > 8192) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', `${k} must be at most 8192 characters`);
    }
    if (!p.apiKey) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', 'apiKey is required');
    if (!TOKEN_ONLY.has(type) && !p.secretKey) throw new DomainError('INVALID_CREDENTIAL_PARAMETERS', `secretKey is required for ${type} credentials`);
    const s: CredentialSecrets = { apiKey: p.apiKey, secretKey: p.secretKey ?? '' };
    if (p.secretPassphrase) s.secretPassphrase = p.secretPassphrase;
    return s;
  }

  private publish(c: Credential): void {
    this.ctx.publish.toUser(c.userId, 'event.credential.updated', toRpcCredential(c));
  }
}
