/**
 * @module rpc/credentials
 * command.credential.* and query.credential.list. Secrets go in, never out (the API key only masked).
 */
import type {
  RpcCreateCredentialParams,
  RpcListCredentialsParams,
  RpcRevokeCredentialParams,
  RpcRotateCredentialParams,
  RpcSaveCredentialParams,
  RpcVerifyCredentialParams,
} from '@cadenza/contract';
import { pageOf, toRpcCredential, type CredentialFilter } from '@cadenza/domain';
import { admin, user, type RpcHandlers } from './rpc-handler.ts';

export const credentialHandlers: RpcHandlers = {
  'command.credential.create': user((c, p: RpcCreateCredentialParams, z) => ({ data: toRpcCredential(z.credentials.create(c, p)) })),
  'command.credential.save': admin((c, p: RpcSaveCredentialParams, z) => ({ data: toRpcCredential(z.credentials.save(c, p.credential)) })),
  'query.credential.list': user(async (c, p: RpcListCredentialsParams, z) => {
    const f: CredentialFilter = {};
    if (p.credentialIds) f.credentialIds = p.credentialIds;
    if (p.venue) f.venue = p.venue;
    if (p.credentialType) f.credentialType = p.credentialType;
    if (p.status) f.status = p.status;
    return { data: (await z.credentials.list(c, f, pageOf(p.pagination))).items.map(toRpcCredential) };
  }),
  'command.credential.revoke': user((c, p: RpcRevokeCredentialParams, z) => ({ data: toRpcCredential(z.credentials.revoke(c, p.credentialId)) })),
  'command.credential.rotate': user((c, p: RpcRotateCredentialParams, z) => ({ data: toRpcCredential(z.credentials.rotate(c, p)) })),
  'command.credential.verify': user(async (c, p: RpcVerifyCredentialParams, z) => {
    const ids = [...(p.credentialIds ?? []), ...(p.credentials ?? []).map((x) => x.credentialId).filter((x): x is string => !!x)];
    const accounts = await z.credentials.verify(c, ids);
    return { data: { tradingAccounts: accounts.map((a) => z.accounts.toRpc(a)) } };
  }),
};
