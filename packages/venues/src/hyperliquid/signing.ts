/**
 * @module hyperliquid/signing
 * How Hyperliquid authenticates an action on `/exchange` (docs: "Exchange endpoint", "Signing"): an L1 action (order,
 * cancel, cancelByCloid…) is signed by an API ("agent") wallet the master account approved, or by the master's own
 * key:
 *   1. connectionId = keccak256(msgpack(action) ‖ nonce as 8 bytes big-endian ‖ 0x00, or 0x01 ‖ the vault's 20 bytes);
 *   2. the "phantom agent" { source: "a" (mainnet) | "b" (testnet), connectionId } is signed as EIP-712 typed data
 *      `Agent(string source,bytes32 connectionId)` under the domain { name "Exchange", version "1", chainId 1337,
 *      verifyingContract 0x0…0 };
 *   3. the signature goes out as { r, s, v } (v = 27 + recovery bit). Hyperliquid recovers the signer from it: a
 *      wrong key, action or nonce recovers some other address, answered "User or API Wallet … does not exist".
 * The curve (secp256k1, RFC 6979 deterministic, low-s), keccak-256 and msgpack are the audited libraries'
 * (@noble/curves, @noble/hashes, @msgpack/msgpack); the EIP-712 encoding of the one fixed struct is written out.
 *
 * Cadenza's credential for a Hyperliquid account (docs/venues-hyperliquid.md): `apiKey` = the master account's address
 * (whose orders, fills and balances these are), `secretKey` = the agent wallet's private key (32 bytes hex),
 * `credentialType` API_KEY. The key never leaves this module's closure and is never logged.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { encode } from '@msgpack/msgpack';
import type { VenueCredential } from '@cadenza/domain';
import { VenueError } from '../kit/venue-error.ts';

export interface HyperliquidSignature {
  r: string;
  s: string;
  v: number;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SECRET = /^(0x)?[0-9a-fA-F]{64}$/;

const word = (n: bigint): Uint8Array => hexToBytes(n.toString(16).padStart(64, '0'));
const DOMAIN_SEPARATOR = keccak_256(
  concatBytes(
    keccak_256(utf8ToBytes('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)')),
    keccak_256(utf8ToBytes('Exchange')),
    keccak_256(utf8ToBytes('1')),
    word(1337n),
    word(0n),
  ),
);
const AGENT_TYPE = keccak_256(utf8ToBytes('Agent(string source,bytes32 connectionId)'));

/** keccak256(msgpack(action) ‖ nonce ‖ vault marker): the phantom agent's connectionId. */
export function actionHash(action: unknown, nonce: number, vaultAddress?: string): Uint8Array {
  const nonceBytes = new Uint8Array(8);
  new DataView(nonceBytes.buffer).setBigUint64(0, BigInt(nonce));
  const vault = vaultAddress ? concatBytes(new Uint8Array([1]), hexToBytes(vaultAddress.slice(2))) : new Uint8Array([0]);
  return keccak_256(concatBytes(encode(action), nonceBytes, vault));
}

/** The EIP-712 digest of the phantom agent { source, connectionId }. */
export function agentDigest(connectionId: Uint8Array, source: 'a' | 'b'): Uint8Array {
  const struct = keccak_256(concatBytes(AGENT_TYPE, keccak_256(utf8ToBytes(source)), connectionId));
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), DOMAIN_SEPARATOR, struct));
}

/** The Ethereum address of a public key (last 20 bytes of keccak256 of the uncompressed point), lower case. */
export function addressOfPublicKey(publicKey: Uint8Array): string {
  const point = publicKey.length === 65 ? publicKey : secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return `0x${bytesToHex(keccak_256(point.slice(1)).slice(-20))}`;
}

export interface HyperliquidSigner {
  /** The master account's address (lower case): the `user` of every info query. */
  readonly user: string;
  /** The agent wallet's address (lower case), derived from its key. */
  readonly agent: string;
  /** Signs an L1 action for `source` ("a" mainnet, "b" testnet). */
  signL1(action: unknown, nonce: number, source: 'a' | 'b'): HyperliquidSignature;
}

/** A signer from a key (hex, with or without 0x) and the master address. */
export function createSigner(secretHex: string, user: string): HyperliquidSigner {
  const secret = hexToBytes(secretHex.replace(/^0x/, ''));
  const agent = addressOfPublicKey(secp256k1.getPublicKey(secret, false));
  return {
    user: user.toLowerCase(),
    agent,
    signL1(action, nonce, source) {
      const digest = agentDigest(actionHash(action, nonce), source);
      const sig = secp256k1.sign(digest, secret, { prehash: false, format: 'recovered' });
      return { r: `0x${bytesToHex(sig.slice(1, 33))}`, s: `0x${bytesToHex(sig.slice(33, 65))}`, v: 27 + sig[0]! };
    },
  };
}

/** The signer of a trading account's credential; refuses (unsupported) what is not a Hyperliquid key pair. */
export function signerFromCredential(credential: VenueCredential, venue: string): HyperliquidSigner {
  if (credential.credentialType.toUpperCase() !== 'API_KEY') throw new VenueError(venue, 'unsupported', `a Hyperliquid credential is an address and an agent wallet key (credentialType API_KEY), not ${credential.credentialType}`);
  if (!ADDRESS.test(credential.apiKey)) throw new VenueError(venue, 'unsupported', 'a Hyperliquid credential needs the master account address (0x + 40 hex digits) as apiKey');
  if (!SECRET.test(credential.secretKey)) throw new VenueError(venue, 'unsupported', 'a Hyperliquid credential needs the agent wallet private key (32 bytes hex) as secretKey');
  try {
    return createSigner(credential.secretKey, credential.apiKey);
  } catch {
    throw new VenueError(venue, 'unsupported', 'the agent wallet private key is not a valid secp256k1 key');
  }
}

/** A client order id as Hyperliquid's `cloid` (16 bytes hex): the first half of keccak256 of our id, so it is found again after a restart. */
export function cloidOf(clientOrderId: string): string {
  return `0x${bytesToHex(keccak_256(utf8ToBytes(clientOrderId)).slice(0, 16))}`;
}
