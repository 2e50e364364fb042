import { fuzzPart } from './fuzzer.ts';

fuzzPart(1);
