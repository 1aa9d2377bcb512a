import { describe } from 'vitest';
import { memoryStore } from '../../src/stores/memory-store.js';
import { storeContract } from './store-contract.js';

describe('memoryStore meets the store contract', () => {
  const shared = memoryStore();
  storeContract(() => ({ open: (options) => (options ? memoryStore(options) : shared) }), { separateInstances: false, needsCleanup: false });
});
