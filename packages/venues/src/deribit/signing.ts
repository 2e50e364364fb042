/**
 * @module deribit/signing
 * How a Deribit API key authenticates (`public/auth`). A Deribit key is a Client ID and a Client Secret; Cadenza's
 * credential carries them as `apiKey` and `secretKey` (docs/venues-deribit.md). Two of Deribit's grants:
 *  - credentialType `API_KEY` → `client_credentials`: the id and secret are sent over the TLS connection;
 *  - credentialType `HMAC` → `client_signature`: the secret never leaves Cadenza; the request carries `timestamp`,
 *    a random `nonce`, optional `data` and `signature` = hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" +
 *    data), which Deribit checks (the timestamp within its window).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { VenueCredential } from '@cadenza/domain';
import { VenueError } from '../kit/venue-error.ts';

export interface DeribitAuth {
  readonly clientId: string;
  readonly grant: 'client_credentials' | 'client_signature';
  /** Fresh `public/auth` params (a new nonce and timestamp each time for signatures). */
  params(): Record<string, unknown>;
}

export function createDeribitAuth(credential: VenueCredential, venue: string, now: () => number): DeribitAuth {
  const type = credential.credentialType.toUpperCase();
  if (type !== 'API_KEY' && type !== 'HMAC') throw new VenueError(venue, 'unsupported', `Deribit keys are a client id and secret (credentialType API_KEY or HMAC), not ${credential.credentialType}`);
  if (!credential.apiKey) throw new VenueError(venue, 'unsupported', 'a Deribit credential needs the Client ID as apiKey');
  if (!credential.secretKey) throw new VenueError(venue, 'unsupported', 'a Deribit credential needs the Client Secret as secretKey');
  const clientId = credential.apiKey;
  const secret = credential.secretKey;
  if (type === 'API_KEY') return { clientId, grant: 'client_credentials', params: () => ({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }) };
  return {
    clientId,
    grant: 'client_signature',
    params: () => {
      const timestamp = now();
      const nonce = randomBytes(8).toString('hex');
      const data = '';
      const signature = createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n${data}`).digest('hex');
      return { grant_type: 'client_signature', client_id: clientId, timestamp, nonce, data, signature };
    },
  };
}
