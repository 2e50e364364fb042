/**
 * @module venue-fakes/hyperliquid/verify-signature
 * What Hyperliquid does with a signed L1 action, as its docs describe it: hash the msgpack of the action with the
 * nonce and the vault marker, wrap the hash as the phantom agent `Agent{source, connectionId}` under the EIP-712
 * domain "Exchange"/"1"/1337/0x0, and recover the address that signed it from `{r, s, v}` — on the server's side, so
 * a connector's mistake in any step recovers a stranger's address. The curve maths are @noble/curves'.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { encode } from '@msgpack/msgpack';

const kec = (...parts: Uint8Array[]) => keccak_256(concatBytes(...parts));
const text = (s: string) => kec(utf8ToBytes(s));
const uint256 = (hex: string) => hexToBytes(hex.padStart(64, '0'));

/** The digest Hyperliquid recovers the signer of an L1 action from. */
export function l1Digest(action: unknown, nonce: number, vaultAddress: string | null | undefined, source: 'a' | 'b'): Uint8Array {
  const nonceWord = hexToBytes(BigInt(nonce).toString(16).padStart(16, '0'));
  const marker = vaultAddress ? concatBytes(Uint8Array.of(1), hexToBytes(vaultAddress.slice(2))) : Uint8Array.of(0);
  const connectionId = kec(encode(action), nonceWord, marker);
  const domain = kec(text('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'), text('Exchange'), text('1'), uint256((1337).toString(16)), uint256('0'));
  const agent = kec(text('Agent(string source,bytes32 connectionId)'), text(source), connectionId);
  return kec(Uint8Array.of(0x19, 0x01), domain, agent);
}

/** The address (lower case) that made `signature` over `digest`, or undefined when it is no signature at all. */
export function recoverSigner(digest: Uint8Array, signature: { r?: unknown; s?: unknown; v?: unknown }): string | undefined {
  const { r, s, v } = signature;
  if (typeof r !== 'string' || typeof s !== 'string' || (v !== 27 && v !== 28)) return undefined;
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(r) || !/^0x[0-9a-fA-F]{1,64}$/.test(s)) return undefined;
  try {
    const sig = concatBytes(Uint8Array.of(v - 27), uint256(r.slice(2)), uint256(s.slice(2)));
    const point = secp256k1.recoverPublicKey(sig, digest, { prehash: false });
    const full = secp256k1.Point.fromBytes(point).toBytes(false);
    return `0x${bytesToHex(keccak_256(full.slice(1)).slice(-20))}`;
  } catch {
    return undefined;
  }
}

/** The address of a private key (tests approve agents by key). */
export function addressOfKey(secretHex: string): string {
  const pub = secp256k1.getPublicKey(hexToBytes(secretHex.replace(/^0x/, '')), false);
  return `0x${bytesToHex(keccak_256(pub.slice(1)).slice(-20))}`;
}
