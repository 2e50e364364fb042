import { runPresenceContract } from '@cadenza/testkit/contracts/presence';
import { MemoryPresenceManager } from './memory.ts';

runPresenceContract('MemoryPresenceManager', async () => new MemoryPresenceManager());
