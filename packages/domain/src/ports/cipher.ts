/**
 * @module ports/cipher
 * Authenticated encryption of credential secrets. The key lives outside the database.
 */
export interface Cipher {
  /** Returns ciphertext that embeds whatever the cipher needs to decrypt it (nonce, tag, key version). */
  encrypt(plaintext: Uint8Array): Uint8Array;
  /** Throws when the ciphertext was tampered with or made with another key. */
  decrypt(ciphertext: Uint8Array): Uint8Array;
}
