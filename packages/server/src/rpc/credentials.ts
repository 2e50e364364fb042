/**
 * @module rpc/credentials
 * command.credential.* and query.credential.list. Secrets go in, never out (the API key only masked).
 */
import { pageOf, paginationOf, toRpcCredential, type CredentialDraft, type CredentialFilter } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const credentialHandlers: RpcHandlers = {
  // The contract requires tradingAccountId; REST creates credentials without one (attached later by connect).
  'command.credential.create': user((c, p: CredentialDraft, z) => ({ data: toRpcCredential(z.credentials.create(c, p)) })),
  'command.credential.save': admin((c, p, z) => ({ data: toRpcCredential(z.credentials.save(c, p.credential)) })),
  'query.credential.list': user(async (c, p, z) => {
    const f: CredentialFilter = {};
    if (p.credentialIds) f.credentialIds = p.credentialIds;
    if (p.venue) f.venue = p.venue;
    if (p.credentialType) f.credentialType = p.credentialType;
    if (p.status) f.status = p.status;
    const page = pageOf(p.pagination);
    const r = await z.credentials.list(c, f, page);
    return { data: r.items.map(toRpcCredential), pagination: paginationOf(page, r) };
  }),
  'command.credential.revoke': user((c, p, z) => ({ data: toRpcCredential(z.credentials.revoke(c, p.credentialId)) })),
  // REST may leave credentialType out: the credential keeps its type.
  'command.credential.rotate': user((c, p, z) => ({ data: toRpcCredential(z.credentials.rotate(c, p)) })),
  'command.credential.verify': user(async (c, p, z) => {
    const ids = [...(p.credentialIds ?? []), ...(p.credentials ?? []).map((x) => x.credentialId).filter((x): x is string => !!x)];
    const accounts = await z.credentials.verify(c, ids);
    return { data: { tradingAccounts: accounts.map((a) => z.accounts.toRpc(a)) } };
  }),
};
