import { runPresenceContract } from '../testing/presence-contract.ts';
import { MemoryPresenceManager } from './memory.ts';

runPresenceContract('MemoryPresenceManager', async () => new MemoryPresenceManager());
