/**
 * @module credentials/credential-registry
 * Every venue credential (secrets sealed), held in memory from start: orders and connects read the account's
 * credential on their command path, which never waits on the store. Writes go through to the store first.
 */
import type { DomainContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { boundedText } from '../bounded-text.ts';
import type { CallerContext } from '../model/caller.ts';
import type { Credential } from '../model/credential.ts';

export class CredentialRegistry {
  private readonly byId = new Map<string, Credential>();

  constructor(private readonly ctx: DomainContext) {}

  async load(): Promise<void> {
    for (const c of await this.ctx.store.loadCredentials()) this.byId.set(c.credentialId, c);
  }

  find(credentialId: string): Credential | undefined {
    return this.byId.get(credentialId);
  }

  /** The caller's credential (or any, for admins); CREDENTIAL_NOT_FOUND otherwise. */
  requireOwned(caller: CallerContext, credentialId: string): Credential {
    const c = this.byId.get(credentialId);
    if (!c || (!caller.isAdmin && c.userId !== caller.userId)) throw new DomainError('CREDENTIAL_NOT_FOUND', `credential ${boundedText(credentialId)} not found`);
    return c;
  }

  /** Writes a new or changed credential, then holds it (undone with the enclosing unit). */
  put(c: Credential, isNew: boolean): void {
    if (isNew) this.ctx.store.insertCredential(c);
    else this.ctx.store.updateCredential(c);
    const before = this.byId.get(c.credentialId);
    this.byId.set(c.credentialId, c);
    this.ctx.unit.onUndo(() => (before ? this.byId.set(c.credentialId, before) : this.byId.delete(c.credentialId)));
  }
}
