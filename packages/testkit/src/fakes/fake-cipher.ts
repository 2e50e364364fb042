/**
 * @module fakes/fake-cipher
 * A reversible, tamper-evident stand-in for AES-GCM in unit tests (NOT encryption: a tag byte and XOR).
 */
import type { Cipher } from '@cadenza/domain';

export class FakeCipher implements Cipher {
  encrypt(plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + 1);
    out[0] = 0xc5;
    for (let i = 0; i < plaintext.length; i++) out[i + 1] = plaintext[i]! ^ 0x5a;
    return out;
  }
  decrypt(ciphertext: Uint8Array): Uint8Array {
    if (ciphertext[0] !== 0xc5) throw new Error('ciphertext not made by FakeCipher');
    return ciphertext.subarray(1).map((b) => b ^ 0x5a);
  }
}
