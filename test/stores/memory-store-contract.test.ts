import { describe } from 'vitest';
import { memoryStore } from '../../src/stores/memory-store.js';
import { storeContract } from './store-contract.js';

describe('memoryStore meets the store contract', () => {
  // The memory store takes its clock as an option: the contract moves it instead of waiting.
  let time = Date.now();
  const now = () => time;
  const shared = memoryStore({ now });
  storeContract(
    () => ({
      open: (options) => (options ? memoryStore({ ...options, now }) : shared),
      advanceClock: (ms) => (time += ms),
    }),
    { separateInstances: false, needsCleanup: false },
  );
});
