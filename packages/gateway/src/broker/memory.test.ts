import { runBrokerContract } from '../testing/broker-contract.ts';
import { MemoryBroker } from './memory.ts';

runBrokerContract('MemoryBroker', { create: async (now) => new MemoryBroker({ now }) });
