import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { createSigner, signedQuery, wsApiSignaturePayload } from './signing.ts';
import { queryString } from '../kit/http.ts';

describe('request signing', () => {
  test("HMAC-SHA256 reproduces the documentation's example signature", () => {
    const signer = createSigner({
      credentialType: 'HMAC',
      apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
      secretKey: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
    });
    const params: Array<[string, string]> = [
      ['symbol', 'LTCBTC'], ['side', 'BUY'], ['type', 'LIMIT'], ['timeInForce', 'GTC'],
      ['quantity', '1'], ['price', '0.1'], ['recvWindow', '5000'], ['timestamp', '1499827319559'],
    ];
    assert.equal(signer.scheme, 'HMAC_SHA256');
    assert.equal(signer.sign(queryString(params)), 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
    assert.ok(signedQuery(params, signer).endsWith('&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71'));
  });

  test('Ed25519 keys sign to base64 that the public key verifies; PEM or bare base64 body', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const payload = 'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918';
    for (const secretKey of [pem, pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')]) {
      const signer = createSigner({ credentialType: 'ED25519', apiKey: 'k', secretKey });
      assert.equal(signer.scheme, 'ED25519');
      const sig = signer.sign(payload);
      assert.ok(verify(null, Buffer.from(payload), publicKey, Buffer.from(sig, 'base64')));
    }
    const q = signedQuery([['a', '1']], createSigner({ credentialType: 'ED25519', apiKey: 'k', secretKey: pem }));
    assert.doesNotMatch(q.split('signature=')[1]!, /[+/=]/);
  });

  test('RSA keys sign RSASSA-PKCS1-v1_5 / SHA-256 in base64', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signer = createSigner({ credentialType: 'RSA', apiKey: 'k', secretKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    assert.equal(signer.scheme, 'RSA');
    const payload = 'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000';
    assert.ok(verify('sha256', Buffer.from(payload), publicKey, Buffer.from(signer.sign(payload), 'base64')));
  });

  test('a non-key secret declared ED25519 is refused clearly', () => {
    assert.throws(() => createSigner({ credentialType: 'ED25519', apiKey: 'k', secretKey: 'not a key' }), /PKCS#8/);
  });

  test('WebSocket API payload sorts parameters and leaves out the signature', () => {
    assert.equal(wsApiSignaturePayload({ timestamp: 5, apiKey: 'K', recvWindow: 5000, signature: 'x' }), 'apiKey=K&recvWindow=5000&timestamp=5');
  });
});
