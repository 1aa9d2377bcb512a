// The signature comparison of the Web Crypto verifier: a received signature against the expected hex
// digest, equal exactly when the texts are equal.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../src/verify/constant-time-equal.js';

const signature = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('constantTimeEqual', () => {
  it('accepts the same signature', () => {
    expect(constantTimeEqual(signature, signature.slice(0))).toBe(true);
  });

  it('refuses a signature that differs in any one character', () => {
    for (let index = 0; index < signature.length; index++) {
      const changed = signature.slice(0, index) + (signature[index] === '0' ? '1' : '0') + signature.slice(index + 1);
      expect(constantTimeEqual(changed, signature)).toBe(false);
    }
  });

  it('compares as text: uppercase hex, other lengths and non-ASCII look-alikes do not match', () => {
    expect(constantTimeEqual(signature.toUpperCase(), signature)).toBe(false);
    expect(constantTimeEqual(signature.slice(1), signature)).toBe(false);
    expect(constantTimeEqual(`${signature}0`, signature)).toBe(false);
    expect(constantTimeEqual('', signature)).toBe(false);
    // Same length in UTF-16 units, more UTF-8 bytes; and a character whose low byte is 'a'.
    expect(constantTimeEqual(`é${signature.slice(1)}`, signature)).toBe(false);
    expect(constantTimeEqual(`\u0161${signature.slice(1)}`, signature)).toBe(false);
    expect(constantTimeEqual(`\ud800${signature.slice(1)}`, signature)).toBe(false);
  });

  it('gives the same answers after a shorter or longer comparison reused its buffers', () => {
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual(signature, signature.slice(0))).toBe(true);
    expect(constantTimeEqual(`${signature}${signature}`, `${signature}${signature}`)).toBe(true);
    expect(constantTimeEqual(`${signature}${signature}`, `${signature}${signature.toUpperCase()}`)).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
