import { runBrokerContract } from '@cadenza/testkit/contracts/broker';
import { MemoryBroker } from './memory.ts';

runBrokerContract('MemoryBroker', { create: async (now) => new MemoryBroker({ now }) });
